import { escapeHtml } from './escape-html.ts';

/** The dashboard's sign-in form: the token is posted in the body, never put in a URL. */
export function signInPage(
  basePath: string,
  error?: string,
  forConsole = false,
): string {
  const message = error
    ? `<p class="error" role="alert">${escapeHtml(error)}</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Conveyor dashboard: sign in</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f7; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; width: 22rem; }
  h1 { font-size: 1.25rem; margin-top: 0; }
  label { display: block; margin-bottom: .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font-family: monospace; }
  button { margin-top: 1rem; padding: .5rem 1rem; }
  .error { color: #b00020; }
  .hint { color: #555; font-size: .875rem; }
</style>
</head>
<body>
<form method="post" action="${basePath}/login${forConsole ? '?next=console' : ''}">
  <h1>Conveyor ${forConsole ? 'runs console' : 'dashboard'}</h1>
  ${message}
  <label for="token">Token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <p class="hint">${forConsole ? "Any tenant's token: a viewer's reads, a producer's or an admin's may act too." : 'CONVEYOR_ADMIN_TOKEN, or a token from <code>conveyor tokens create admin</code> (the whole board) or <code>conveyor tokens create viewer</code> (read-only).'}</p>
  <button type="submit">Sign in</button>
</form>
</body>
</html>`;
}
