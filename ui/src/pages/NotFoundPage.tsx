import { Link } from 'react-router';
import { Compass } from 'lucide-react';
import { EmptyState } from '../components/ui';
import { useTitle } from '../lib/title';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <EmptyState
      className="min-h-[60vh]"
      icon={<Compass className="h-5 w-5" aria-hidden />}
      title="Page not found"
      action={
        <Link to="/" className="btn-primary">
          Back to Create
        </Link>
      }
    >
      There is nothing at this address.
    </EmptyState>
  );
}
