import { useEffect } from 'react';

/** Sets the document title for the current page. */
export function useTitle(title: string): void {
  useEffect(() => {
    const short = title.length > 60 ? `${title.slice(0, 57)}…` : title;
    document.title = `${short} · Pixel Studio`;
  }, [title]);
}
