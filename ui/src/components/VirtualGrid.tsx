import { memo, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';

/** A windowed grid of square cells: only the rows near the viewport are in the DOM. */
export function VirtualGrid<T>({
  items,
  minCell = 200,
  gap = 8,
  renderCell,
  renderLite,
  getKey,
  onNearEnd,
}: {
  items: T[];
  minCell?: number;
  gap?: number;
  renderCell: (item: T, index: number) => ReactNode;
  /** A cheap stand-in for a cell, shown while the list flies past (see `flying` below). */
  renderLite?: (item: T, index: number) => ReactNode;
  getKey: (item: T) => string;
  onNearEnd?: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [offset, setOffset] = useState(0);

  // Whether the last scroll moved more than a screen and a half at once (a scrollbar drag, a jump, a hard
  // fling): rows that appear then are drawn with `renderLite` until scrolling settles, since they would be
  // gone before their pictures could load. Registered before the virtualizer's own listener, so it is up to
  // date when the virtualizer re-renders on the same scroll event.
  const flying = useRef(false);
  useLayoutEffect(() => {
    let lastY = window.scrollY;
    let lastT = performance.now();
    const onScroll = () => {
      const y = window.scrollY;
      const t = performance.now();
      flying.current = t - lastT < 200 && Math.abs(y - lastY) > window.innerHeight * 1.5;
      lastY = y;
      lastT = t;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);

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

  // Phones get at least two columns rather than one screen-wide tile per row.
  const min = width > 0 && width < 640 ? Math.min(minCell, 150) : minCell;
  const cols = Math.max(1, Math.floor((width + gap) / (min + gap)));
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

  const lite = !!renderLite && virtualizer.isScrolling && flying.current;
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && rows > 0 && lastRow >= rows - 3) onNearEnd();
  }, [lastRow, rows, onNearEnd]);

  return (
    <div ref={ref} role="list" data-items={items.length} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
      {width > 0 &&
        virtualRows.map((row) => (
          <GridRow
            key={row.key}
            items={items}
            start={row.index * cols}
            cols={cols}
            cell={cell}
            gap={gap}
            top={row.start - virtualizer.options.scrollMargin}
            renderCell={renderCell}
            renderLite={lite ? renderLite : undefined}
            getKey={getKey}
          />
        ))}
    </div>
  );
}

const upgrades: Array<{ run: () => void; live: boolean }> = [];
let pumping = false;
function pump() {
  let next = upgrades.shift();
  while (next && !next.live) next = upgrades.shift();
  next?.run();
  pumping = upgrades.length > 0;
  if (pumping) requestAnimationFrame(pump);
}
/** Runs `run` on a later frame, one queued row per frame; the returned function cancels it. */
function queueUpgrade(run: () => void): () => void {
  const job = { run, live: true };
  upgrades.push(job);
  if (!pumping) {
    pumping = true;
    requestAnimationFrame(pump);
  }
  return () => {
    job.live = false;
  };
}

type RowProps<T> = {
  items: T[];
  start: number;
  cols: number;
  cell: number;
  gap: number;
  top: number;
  renderCell: (item: T, index: number) => ReactNode;
  /** Set while flying: a row that has not been drawn in full yet uses it. */
  renderLite?: (item: T, index: number) => ReactNode;
  getKey: (item: T) => string;
};

/** One row of cells. Memoised: scrolling re-renders only the rows that enter the window, not every row. */
const GridRow = memo(function GridRow<T>({ items, start, cols, cell, gap, top, renderCell, renderLite, getKey }: RowProps<T>) {
  // Once drawn in full, a row stays full (it does not fall back to the stand-in while it is on screen).
  // Rows drawn as stand-ins are filled in one per frame once the flight is over, so landing after a jump
  // does not render and decode a whole screen of tiles in a single frame.
  const [full, setFull] = useState(!renderLite);
  useEffect(() => {
    if (full || renderLite) return;
    return queueUpgrade(() => setFull(true));
  }, [full, renderLite]);
  const render = full || !renderLite ? renderCell : renderLite;
  const cells: ReactNode[] = [];
  for (let i = start; i < Math.min(start + cols, items.length); i++) {
    const item = items[i] as T;
    cells.push(
      <div role="listitem" key={getKey(item)} style={{ height: cell }}>
        {render(item, i)}
      </div>,
    );
  }
  return (
    <div
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        height: cell,
        transform: `translateY(${top}px)`,
        display: 'grid',
        gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`,
        gap,
        contain: 'layout style',
      }}
    >
      {cells}
    </div>
  );
}) as <T>(props: RowProps<T>) => ReactNode;
