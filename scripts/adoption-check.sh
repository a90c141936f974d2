#!/usr/bin/env bash
# Adds Conveyor to an app the way a team would (examples/README.md, "Add Conveyor
# to your monorepo"), from packages rather than workspaces:
#   1. builds the workspace and packs each framework package (scripts/framework-packages.txt),
#      checking its publish fields before and after packing;
#   2. installs every tarball together and imports (and typechecks) each export;
#   3. copies each example out of the repository (mktemp -d), `npm install`s the
#      tarballs there on the LTS Node, typechecks it against the installed `.d.ts`
#      and runs its check against a redis-server of its own. A check must end by
#      itself: anything its close leaves open fails it.
# Any failure fails the run. Temp dirs and the redis-server are removed on exit
# (KEEP_ADOPTION_TMP=1 keeps the dirs).
#
#   scripts/adoption-check.sh                  everything
#   scripts/adoption-check.sh producer         one phase: packages | producer | plain-service | fastify-app
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

PHASES=(packages producer plain-service fastify-app)
if [ "$#" -gt 0 ]; then PHASES=("$@"); fi

yarn() { node "$root/.yarn/releases/yarn-4.18.1.cjs" "$@"; }
lts() { "$root/scripts/with-node-lts.sh" "$@"; }
say() { echo "--- adoption: $*"; }
die() {
  echo "adoption-check FAILED: $*" >&2
  exit 1
}

# The libraries an app shares with Conveyor (peer dependencies): installed by name, like an app would.
PEERS=(zod bullmq ioredis @trpc/server @trpc/client)

work="$(mktemp -d /tmp/conveyor-adoption.XXXXXX)"
redis_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  if [ "${KEEP_ADOPTION_TMP:-}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- the framework packages, from the one list
mapfile -t package_dirs < <(grep -v '^\s*#' scripts/framework-packages.txt | sed '/^\s*$/d')
missing=()
present=()
for dir in "${package_dirs[@]}"; do
  if [ -f "$dir/package.json" ]; then present+=("$dir"); else missing+=("$dir"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  # Only the packages and producer phases may run without them (the producer needs core and queue).
  for phase in "${PHASES[@]}"; do
    case "$phase" in
      packages | producer) ;;
      *) die "listed in scripts/framework-packages.txt but absent: ${missing[*]}" ;;
    esac
  done
  echo "adoption-check: WARNING: absent, so not packed or checked: ${missing[*]}" >&2
fi

say "publish fields of ${present[*]}"
node scripts/adoption/check-manifests.js source "${present[@]}"

say "build"
yarn build

say "pack"
tarballs="$work/tarballs"
mkdir -p "$tarballs"
declare -A tarball_of=() conveyor_deps_of=()
for dir in "${present[@]}"; do
  name="$(node -p "require('./$dir/package.json').name")"
  version="$(node -p "require('./$dir/package.json').version")"
  file="$tarballs/$(echo "${name#@}" | tr / -)-$version.tgz"
  (cd "$dir" && yarn pack --out "$file" >/dev/null)
  tarball_of[$name]="$file"
  # Its @conveyor dependencies: from a registry npm would fetch them itself; from tarballs we name them.
  conveyor_deps_of[$name]="$(node -p "Object.keys(require('./$dir/package.json').dependencies ?? {}).filter((d) => d.startsWith('@conveyor/')).join(' ')")"
done
node scripts/adoption/check-manifests.js packed "${tarball_of[@]}"
for name in "${!tarball_of[@]}"; do
  printf '  %-22s %6s KiB  %s\n' "$name" "$(($(stat -c %s "${tarball_of[$name]}") / 1024))" "$(basename "${tarball_of[$name]}")"
done

# tarballs_for <name>...: the tarball paths of these packages and the @conveyor packages they
# depend on (what `npm install <name>` would fetch from a registry), failing on one not packed.
tarballs_for() {
  local -A seen=()
  local queue=("$@") name
  while [ "${#queue[@]}" -gt 0 ]; do
    name="${queue[0]}"
    queue=("${queue[@]:1}")
    [ -n "${seen[$name]:-}" ] && continue
    seen[$name]=1
    [ -n "${tarball_of[$name]:-}" ] || die "$name was not packed (is it in scripts/framework-packages.txt?)"
    echo "${tarball_of[$name]}"
    # shellcheck disable=SC2206
    queue+=(${conveyor_deps_of[$name]})
  done
}

# --- a redis-server of our own, on a free loopback port; each phase its own database
port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning \
  >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$redis_pid" 2>/dev/null || die "redis-server did not start: $(cat "$work/redis.log")"
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "redis-server answers not on port $port: $(cat "$work/redis.log")"
database=0

# npm_in <dir> <args>: npm on the LTS Node, outside the repository.
npm_in() {
  local dir="$1"
  shift
  (cd "$dir" && timeout 600 "$root/scripts/with-node-lts.sh" npm --no-audit --no-fund --loglevel=error "$@")
}

# Every @conveyor package installed came from our tarballs (none from a registry),
# and the app, Conveyor and every package share one copy of each shared library.
assert_installed_from_tarballs() {
  local dir="$1"
  node - "$dir" <<'EOF'
const { readFileSync } = require('node:fs');
const dir = process.argv[2];
const lock = JSON.parse(readFileSync(`${dir}/package-lock.json`, 'utf8'));
const problems = [];
const copies = {};
for (const [path, entry] of Object.entries(lock.packages)) {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  if (!path) continue;
  (copies[name] ??= []).push(path);
  if (name.startsWith('@conveyor/') && !String(entry.resolved).startsWith('file:'))
    problems.push(`${path} resolved from ${entry.resolved}, not a packed tarball`);
}
for (const name of ['zod', 'bullmq', 'ioredis', '@trpc/server', '@trpc/client', '@conveyor/core', '@conveyor/queue'])
  if ((copies[name] ?? []).length > 1) problems.push(`${copies[name].length} copies of ${name}: ${copies[name].join(', ')}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
EOF
}

# copy_example <name>: the example, outside the repository (no node_modules, no lockfile).
copy_example() {
  local dest="$work/$1-$RANDOM"
  mkdir -p "$dest"
  (cd "examples/$1" && tar --exclude=node_modules --exclude=package-lock.json -cf - .) | (cd "$dest" && tar -xf -)
  echo "$dest"
}

# run_check <dir> <npm script>: runs it with a fresh Redis database; a hang fails after 120 s.
run_check() {
  local dir="$1" script="$2" url
  database=$((database + 1))
  url="redis://127.0.0.1:$port/$database"
  say "$(basename "$dir"): npm run $script (REDIS_URL=$url)"
  (cd "$dir" && REDIS_URL="$url" timeout 120 "$root/scripts/with-node-lts.sh" npm run --silent "$script") ||
    die "$(basename "$dir"): npm run $script failed (exit $?)"
}

phase_packages() {
  # Every framework package installed together, each export imported at runtime and
  # typechecked (skipLibCheck off: a published .d.ts naming a package that is not
  # installed, or failing to compile, fails here).
  local dir="$work/all-packages" tbs
  mkdir -p "$dir/src"
  echo '{ "name": "all-packages", "private": true, "type": "module" }' >"$dir/package.json"
  say "packages: npm install of every tarball with ${PEERS[*]}"
  tbs="$(tarballs_for "${!tarball_of[@]}")" || exit 1
  npm_in "$dir" install $tbs "${PEERS[@]}" fastify typescript@~6.0.3 @types/node@^26
  assert_installed_from_tarballs "$dir" || die "packages: installed copies"
  node - "$dir" "${!tarball_of[@]}" <<'EOF'
const { readFileSync, writeFileSync } = require('node:fs');
const [dir, ...names] = process.argv.slice(2);
const specifiers = [];
for (const name of names.sort()) {
  const pkg = JSON.parse(readFileSync(`${dir}/node_modules/${name}/package.json`, 'utf8'));
  for (const [sub, target] of Object.entries(pkg.exports ?? { '.': null })) {
    // Workspace-only entries (only the @conveyor/source condition) resolve in no app.
    if (target && typeof target === 'object' && Object.keys(target).join() === '@conveyor/source') continue;
    specifiers.push(sub === '.' ? name : `${name}/${sub.slice(2)}`);
  }
}
const lines = specifiers.map((s, i) => `import * as m${i} from '${s}';`);
lines.push(`console.log(${JSON.stringify(specifiers.length)} + ' entry points load:', [${specifiers.map((_, i) => `m${i}`).join(', ')}].map((m) => Object.keys(m).length).join(' '));`);
writeFileSync(`${dir}/src/imports.ts`, lines.join('\n') + '\n');
EOF
  cat >"$dir/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "es2023",
    "lib": ["es2023", "dom"],
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "types": ["node"],
    "strict": true,
    "noEmit": true,
    "verbatimModuleSyntax": false,
    "skipLibCheck": false
  },
  "include": ["src"]
}
EOF
  say "packages: typecheck every entry point's .d.ts"
  # Other libraries' own .d.ts problems (ioredis names an untyped module) are theirs: only
  # errors in @conveyor's files, or in the importing file, fail the check.
  local out
  out="$(cd "$dir" && lts node node_modules/typescript/bin/tsc -p tsconfig.json 2>&1)" || true
  if grep -E '^(node_modules/@conveyor/|src/)' <<<"$out"; then
    die "packages: the published types do not compile (above)"
  fi
  echo "  no errors in @conveyor's .d.ts ($(grep -c 'error TS' <<<"$out" || true) in other libraries' own, ignored)"
  say "packages: import every entry point"
  (cd "$dir" && timeout 60 "$root/scripts/with-node-lts.sh" node src/imports.ts) || die "packages: an entry point does not load"
}

phase_producer() {
  # A backend that only enqueues in-process: @conveyor/core and @conveyor/queue.
  local dir tbs
  dir="$(copy_example plain-service)"
  say "producer: npm install @conveyor/core @conveyor/queue zod bullmq ioredis (in $dir)"
  tbs="$(tarballs_for @conveyor/core @conveyor/queue)" || exit 1
  npm_in "$dir" install $tbs zod bullmq ioredis
  assert_installed_from_tarballs "$dir" || die "producer: installed copies"
  say "producer: typecheck against the installed .d.ts"
  (cd "$dir" && lts npm run --silent typecheck:producer) || die "producer: typecheck failed"
  run_check "$dir" check:producer
  (cd "$dir" && lts npm prune --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
  say "producer: an in-process producer installs $(du -sm "$dir/node_modules" | cut -f1) MB (node_modules after npm install @conveyor/core @conveyor/queue zod bullmq ioredis, devDependencies pruned)"
}

phase_plain_service() {
  local dir tbs
  dir="$(copy_example plain-service)"
  say "plain-service: npm install @conveyor/core @conveyor/queue @conveyor/server @conveyor/worker @conveyor/client + peers (in $dir)"
  tbs="$(tarballs_for @conveyor/core @conveyor/queue @conveyor/server @conveyor/worker @conveyor/client)" || exit 1
  npm_in "$dir" install $tbs "${PEERS[@]}"
  assert_installed_from_tarballs "$dir" || die "plain-service: installed copies"
  say "plain-service: typecheck against the installed .d.ts"
  (cd "$dir" && lts npm run --silent typecheck) || die "plain-service: typecheck failed"
  run_check "$dir" check:producer
  run_check "$dir" check
  say "plain-service: node_modules is $(du -sm "$dir/node_modules" | cut -f1) MB (API, worker, client, producer; typescript included)"
}

phase_fastify_app() {
  local dir tbs
  dir="$(copy_example fastify-app)"
  say "fastify-app: npm install (fastify) + @conveyor/core @conveyor/server @conveyor/worker @conveyor/client @conveyor/queue + peers (in $dir)"
  tbs="$(tarballs_for @conveyor/core @conveyor/queue @conveyor/server @conveyor/worker @conveyor/client)" || exit 1
  npm_in "$dir" install $tbs "${PEERS[@]}"
  assert_installed_from_tarballs "$dir" || die "fastify-app: installed copies"
  say "fastify-app: typecheck against the installed .d.ts"
  (cd "$dir" && lts npm run --silent typecheck) || die "fastify-app: typecheck failed"
  run_check "$dir" check
}

for phase in "${PHASES[@]}"; do
  case "$phase" in
    packages) phase_packages ;;
    producer) phase_producer ;;
    plain-service) phase_plain_service ;;
    fastify-app) phase_fastify_app ;;
    *) die "unknown phase $phase (one of: packages producer plain-service fastify-app)" ;;
  esac
done
say "all green: ${PHASES[*]}"
