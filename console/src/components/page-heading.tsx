import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** The page's one h1; the tab's title follows it, so history and screen readers name the page. */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const text = ref.current?.textContent?.trim();
    document.title = text ? `${text} · Channel Orchestrator` : 'Channel Orchestrator';
  });
  return <h1 ref={ref}>{children}</h1>;
}
