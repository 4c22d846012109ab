// The market's two shelves: prompts for sale and premium collections.

import { NavLink } from 'react-router';
import { cn } from '../../lib/format';

export function MarketTabs() {
  const tab = ({ isActive }: { isActive: boolean }) =>
    cn('rounded-lg px-3 py-1.5 text-sm font-medium', isActive ? 'bg-surface-1 text-fg shadow-sm' : 'text-fg-muted hover:text-fg');
  return (
    <nav aria-label="Market" className="mb-5 inline-flex gap-1 rounded-xl bg-surface-2 p-1">
      <NavLink to="/market" end className={tab}>
        Prompts
      </NavLink>
      <NavLink to="/market/collections" className={tab}>
        Premium collections
      </NavLink>
    </nav>
  );
}
