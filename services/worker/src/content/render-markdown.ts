/** The piece as Markdown, and its length in words (what editors and quotas count). */
export function renderMarkdown(
  title: string,
  sections: readonly { heading: string; body: string }[],
): { markdown: string; words: number } {
  const markdown = [
    `# ${title}`,
    ...sections.map(({ heading, body }) => `## ${heading}\n\n${body}`),
  ].join('\n\n');
  const words = markdown
    .replace(/\]\([^)]*\)/g, ' ') // a link's address is not text
    .replace(/[#*_[\]()`>-]/g, ' ')
    .split(/\s+/)
    .filter(Boolean).length;
  return { markdown: `${markdown}\n`, words };
}
