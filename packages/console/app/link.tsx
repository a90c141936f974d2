import type { ReactNode } from 'react';

/** A same-page link to other query params: a real href (open in a new tab works), pushState on a plain click. */
export function Link(props: {
  to: URLSearchParams;
  go: (next: URLSearchParams) => void;
  children: ReactNode;
  className?: string;
}) {
  const href = `?${props.to.toString()}`;
  return (
    <a
      href={href}
      className={props.className}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        props.go(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
