/** Who signed in, as the server wrote it into the page (what to offer; the API decides). */
export interface PagePrincipal {
  role: 'admin' | 'viewer' | 'producer';
  tenant: string;
}

export function pagePrincipal(): PagePrincipal {
  const meta = document.querySelector('meta[name="conveyor-principal"]');
  try {
    return JSON.parse(meta?.getAttribute('content') ?? '') as PagePrincipal;
  } catch {
    return { role: 'viewer', tenant: '' };
  }
}
