// "Use as profile picture" on the owner's public image: the profile shows its thumbnail while it stays public.

import { useState } from 'react';
import { Check, UserCircle } from 'lucide-react';
import { useMe } from '../../api/hooks';
import { useUpdateProfile } from '../../api/socialHooks';
import { ErrorBanner } from '../ui';

export function ProfilePictureButton({ imageId }: { imageId: string }) {
  const me = useMe();
  const update = useUpdateProfile(me.data?.username);
  const [done, setDone] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn-secondary mt-3 h-8 w-full"
        disabled={update.isPending}
        onClick={() =>
          update.mutate({ avatar: { kind: 'image', image_id: imageId } }, { onSuccess: () => setDone(true) })
        }
      >
        {done ? <Check className="h-4 w-4" aria-hidden /> : <UserCircle className="h-4 w-4" aria-hidden />}
        {done ? 'Your profile picture' : 'Use as profile picture'}
      </button>
      {update.error && <ErrorBanner className="mt-3" error={update.error} />}
    </>
  );
}
