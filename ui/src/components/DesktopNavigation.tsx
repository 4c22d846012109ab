import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { useClient } from '../api/context';

/** Desktop only: opens the routes that deep links and the app menu ask for, and the
 * deep link that launched the app. Renders nothing; must sit inside the router. */
export function DesktopNavigation() {
  const desktop = useClient().desktop;
  const navigate = useNavigate();
  useEffect(() => {
    if (!desktop) return;
    let live = true;
    const off = desktop.onNavigate((route) => void navigate(route));
    void desktop.takePendingDeepLink().then((link) => {
      if (live && link?.route) void navigate(link.route);
    });
    return () => {
      live = false;
      off();
    };
  }, [desktop, navigate]);
  return null;
}
