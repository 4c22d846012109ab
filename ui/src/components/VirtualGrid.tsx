import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';

/** A windowed grid of square cells: only the rows near the viewport are in the DOM. */
export function VirtualGrid<T>({
  items,
  minCell = 200,
  gap = 8,
  renderCell,
  getKey,
  onNearEnd,
}: {
  items: T[];
  minCell?: number;
  gap?: number;
  renderCell: (item: T, index: number) => ReactNode;
  getKey: (item: T) => string;
  onNearEnd?: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [offset, setOffset] = useState(0);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      setWidth(el.clientWidth);
      setOffset(el.getBoundingClientRect().top + window.scrollY);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const cols = Math.max(1, Math.floor((width + gap) / (minCell + gap)));
  const cell = width > 0 ? (width - gap * (cols - 1)) / cols : minCell;
  const rows = Math.ceil(items.length / cols);

  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => cell + gap,
    overscan: 3,
    scrollMargin: offset,
  });

  useEffect(() => {
    virtualizer.measure();
  }, [cell, virtualizer]);

  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && rows > 0 && lastRow >= rows - 3) onNearEnd();
  }, [lastRow, rows, onNearEnd]);

  return (
    <div ref={ref} role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
      {width > 0 &&
        virtualRows.map((row) => {
          const start = row.index * cols;
          const slice = items.slice(start, start + cols);
          return (
            <div
              key={row.key}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                height: cell,
                transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)`,
                display: 'grid',
                gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`,
                gap,
              }}
            >
              {slice.map((item, i) => (
                <div role="listitem" key={getKey(item)} style={{ height: cell }}>
                  {renderCell(item, start + i)}
                </div>
              ))}
            </div>
          );
        })}
    </div>
  );
}
