import { UserCheck, UserPlus } from 'lucide-react';
import { useFollow } from '../../api/socialHooks';
import { ErrorBanner } from '../ui';

/** Follow / Following for one account; the answer refreshes profiles and the feed. */
export function FollowButton({ userId, following }: { userId: string; following: boolean }) {
  const follow = useFollow();
  const shown = follow.isPending ? follow.variables.follow : following;
  return (
    <div>
      <button
        type="button"
        className={shown ? 'btn-secondary h-8' : 'btn-primary h-8'}
        aria-pressed={shown}
        disabled={follow.isPending}
        onClick={() => follow.mutate({ userId, follow: !following })}
      >
        {shown ? <UserCheck className="h-4 w-4" aria-hidden /> : <UserPlus className="h-4 w-4" aria-hidden />}
        {shown ? 'Following' : 'Follow'}
      </button>
      {follow.error && <ErrorBanner className="mt-2" error={follow.error} />}
    </div>
  );
}
