/**
 * Bull Board has options for all-or-nothing read-only mode and for retries,
 * but none for its other actions one by one. These are the ones Conveyor
 * refuses (`board-actions.ts`: they would bypass quotas, envelopes and
 * history), hidden rather than offered and then refused. The class names
 * are Bull Board 9.10.1's; the dashboard tests fail if they change.
 */
export const BOARD_CSS = [
  // The queue menu's Obliterate (its danger item) and Empty (just above it).
  `[role='menu'] .danger-GDAQpl, [role='menu'] [role='menuitem']:has(+ .danger-GDAQpl) { display: none !important; }`,
  // A job's "edit data": a stored envelope is Conveyor's, not the board's to rewrite.
  `span:has(> button > svg.lucide-pencil) { display: none !important; }`,
  // Clean all on a tab of unfinished jobs (only completed and failed may be cleaned).
  `body:has(a.isActive-C2L583:is([href*='status=waiting'], [href*='status=delayed'], [href*='status=active'], [href*='status=prioritized'], [href*='status=paused'], [href*='status=waiting-children'])) button.button-nYphDd:has(svg.lucide-trash-2) { display: none !important; }`,
].join('\n');
