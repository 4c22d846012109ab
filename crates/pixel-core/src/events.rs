//! Who receives each live event: the viewer a transport subscribes as, the one rule that decides
//! whether an event's audience admits that viewer, and the in-process bus, which routes each event to
//! the subscriptions of its audience only and serialises it once for all of them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tokio::sync::broadcast;

use crate::domain::{Audience, Caller, Envelope, Event, Role};

/// Whom a subscription delivers to: a signed-in person, and whether they are an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: String,
    pub admin: bool,
}

impl Viewer {
    /// The viewer a caller subscribes as; None for the anonymous, who receive nothing.
    pub fn of(caller: &Caller) -> Option<Viewer> {
        match caller {
            Caller::User { id, role, .. } => Some(Viewer {
                user_id: id.clone(),
                admin: *role == Role::Admin,
            }),
            Caller::Anonymous => None,
        }
    }
}

impl Audience {
    /// The one rule every transport delivers by: whether `viewer` may receive an event published to
    /// this audience.
    pub fn admits(&self, viewer: &Viewer) -> bool {
        match self {
            Audience::User(id) => *id == viewer.user_id,
            Audience::Users(ids) => ids.contains(&viewer.user_id),
            Audience::Admins => viewer.admin,
            Audience::Everyone => true,
        }
    }
}

/// An event on its way to its subscribers: serialised at most once, however many receive it.
#[derive(Debug)]
pub struct Delivery {
    pub envelope: Envelope,
    /// When this node's bus published it: transports that write in passes send in a pass only what was
    /// published before it began, so every window receives an event in the same pass.
    pub published_at: std::time::Instant,
    json: OnceLock<Arc<str>>,
}

impl Delivery {
    pub fn new(envelope: Envelope) -> Delivery {
        Delivery {
            envelope,
            published_at: std::time::Instant::now(),
            json: OnceLock::new(),
        }
    }

    pub fn event(&self) -> &Event {
        &self.envelope.event
    }

    /// The event as the clients' frames carry it (the server's WebSocket text, the desktop's channel).
    pub fn json(&self) -> Arc<str> {
        self.json
            .get_or_init(|| frame(&self.envelope.event))
            .clone()
    }
}

/// An event as a client frame.
pub fn frame(event: &Event) -> Arc<str> {
    // Every event is plain data (strings, numbers, enums): serialising one cannot fail.
    serde_json::to_string(event)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "an event could not be serialised");
            String::from("{\"type\":\"resync\",\"missed\":1}")
        })
        .into()
}

/// What a subscription yields next.
#[derive(Debug)]
pub enum Received {
    Event(Arc<Delivery>),
    /// This subscriber fell behind and `n` events were dropped: the client must read again what it
    /// shows (transports send it an `Event::Resync`).
    Missed(u64),
    /// The bus is gone.
    Closed,
}

/// The events one viewer may receive, in the order they were published.
pub struct Subscription {
    rx: broadcast::Receiver<Arc<Delivery>>,
    viewer: Viewer,
}

impl Subscription {
    pub fn viewer(&self) -> &Viewer {
        &self.viewer
    }

    pub async fn recv(&mut self) -> Received {
        loop {
            match self.rx.recv().await {
                // Routing already chose this viewer's channel; the rule is asked again so that no
                // routing mistake can ever deliver someone else's event.
                Ok(d) if d.envelope.audience.admits(&self.viewer) => return Received::Event(d),
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(n)) => return Received::Missed(n),
                Err(broadcast::error::RecvError::Closed) => return Received::Closed,
            }
        }
    }

    /// The next event already waiting, without waiting for one.
    pub fn try_recv(&mut self) -> Option<Received> {
        loop {
            match self.rx.try_recv() {
                Ok(d) if d.envelope.audience.admits(&self.viewer) => {
                    return Some(Received::Event(d))
                }
                Ok(_) => continue,
                Err(broadcast::error::TryRecvError::Lagged(n)) => return Some(Received::Missed(n)),
                Err(broadcast::error::TryRecvError::Closed) => return Some(Received::Closed),
                Err(broadcast::error::TryRecvError::Empty) => return None,
            }
        }
    }
}

/// One person's channel: every window they have open subscribes to it.
struct Route {
    tx: broadcast::Sender<Arc<Delivery>>,
    admin: bool,
}

/// The in-process event bus (one node): a channel per person with a window open, so an event wakes
/// only its audience's subscriptions.
pub struct LocalEventBus {
    capacity: usize,
    routes: Mutex<HashMap<String, Route>>,
    /// Every event, for in-process observers (tests, the CLI's own follow-up).
    all: broadcast::Sender<Envelope>,
}

impl LocalEventBus {
    /// `capacity`: how many events one person's windows may fall behind before they are told to
    /// read again.
    pub fn new(capacity: usize) -> Self {
        let (all, _) = broadcast::channel(capacity.max(1));
        Self {
            capacity: capacity.max(1),
            routes: Mutex::new(HashMap::new()),
            all,
        }
    }

    fn routes(&self) -> MutexGuard<'_, HashMap<String, Route>> {
        self.routes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many people have a window subscribed now.
    pub fn audience_size(&self) -> usize {
        self.routes()
            .values()
            .filter(|r| r.tx.receiver_count() > 0)
            .count()
    }
}

impl crate::ports::EventBus for LocalEventBus {
    fn publish(&self, envelope: Envelope) {
        // No subscribers is fine: events are notifications, the store holds the truth.
        if self.all.receiver_count() > 0 {
            let _ = self.all.send(envelope.clone());
        }
        let delivery = Arc::new(Delivery::new(envelope));
        let mut routes = self.routes();
        let send = |user_id: &str, routes: &mut HashMap<String, Route>| {
            let gone = routes
                .get(user_id)
                .is_some_and(|r| r.tx.send(delivery.clone()).is_err());
            if gone {
                routes.remove(user_id);
            }
        };
        match &delivery.envelope.audience {
            Audience::User(id) => send(id, &mut routes),
            Audience::Users(ids) => {
                for id in ids {
                    send(id, &mut routes);
                }
            }
            Audience::Admins => {
                let admins: Vec<String> = routes
                    .iter()
                    .filter(|(_, r)| r.admin)
                    .map(|(id, _)| id.clone())
                    .collect();
                for id in admins {
                    send(&id, &mut routes);
                }
            }
            Audience::Everyone => {
                let everyone: Vec<String> = routes.keys().cloned().collect();
                for id in everyone {
                    send(&id, &mut routes);
                }
            }
        }
    }

    fn subscribe(&self, viewer: Viewer) -> Subscription {
        let mut routes = self.routes();
        // A channel whose windows all closed is replaced rather than revived.
        let route = routes
            .entry(viewer.user_id.clone())
            .and_modify(|r| {
                if r.tx.receiver_count() == 0 {
                    r.tx = broadcast::channel(self.capacity).0;
                    r.admin = false;
                }
            })
            .or_insert_with(|| Route {
                tx: broadcast::channel(self.capacity).0,
                admin: false,
            });
        route.admin |= viewer.admin;
        let rx = route.tx.subscribe();
        Subscription { rx, viewer }
    }

    fn observe_all(&self) -> broadcast::Receiver<Envelope> {
        self.all.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::EventBus;

    fn viewer(id: &str, admin: bool) -> Viewer {
        Viewer {
            user_id: id.into(),
            admin,
        }
    }

    fn balance(audience: Audience, balance: i64) -> Envelope {
        Envelope {
            audience,
            event: Event::BalanceChanged { balance },
        }
    }

    fn balances(sub: &mut Subscription) -> Vec<i64> {
        let mut got = Vec::new();
        while let Some(Received::Event(d)) = sub.try_recv() {
            if let Event::BalanceChanged { balance } = d.event() {
                got.push(*balance);
            }
        }
        got
    }

    #[test]
    fn each_viewer_receives_what_its_audience_admits() {
        let bus = LocalEventBus::new(16);
        let mut ada = bus.subscribe(viewer("ada", false));
        let mut ada_too = bus.subscribe(viewer("ada", false));
        let mut grace = bus.subscribe(viewer("grace", true));
        bus.publish(balance(Audience::User("ada".into()), 1));
        bus.publish(balance(Audience::User("nobody".into()), 2));
        bus.publish(balance(
            Audience::Users(vec!["grace".into(), "ada".into()]),
            3,
        ));
        bus.publish(balance(Audience::Admins, 4));
        assert_eq!(balances(&mut ada), [1, 3]);
        assert_eq!(balances(&mut ada_too), [1, 3], "every window of a person");
        assert_eq!(balances(&mut grace), [3, 4]);
    }

    #[test]
    fn an_event_is_serialised_once_for_all_its_windows() {
        let bus = LocalEventBus::new(16);
        let mut a = bus.subscribe(viewer("ada", false));
        let mut b = bus.subscribe(viewer("ada", false));
        bus.publish(balance(Audience::User("ada".into()), 7));
        let (Some(Received::Event(x)), Some(Received::Event(y))) = (a.try_recv(), b.try_recv())
        else {
            panic!("both windows receive it");
        };
        assert!(Arc::ptr_eq(&x, &y));
        assert!(Arc::ptr_eq(&x.json(), &y.json()));
        assert_eq!(&*x.json(), r#"{"type":"balance.changed","balance":7}"#);
    }

    #[test]
    fn a_viewer_that_falls_behind_is_told_and_closed_windows_free_their_channel() {
        let bus = LocalEventBus::new(2);
        let mut slow = bus.subscribe(viewer("ada", false));
        for n in 0..5 {
            bus.publish(balance(Audience::User("ada".into()), n));
        }
        assert!(matches!(slow.try_recv(), Some(Received::Missed(3))));
        assert_eq!(balances(&mut slow), [3, 4]);
        assert_eq!(bus.audience_size(), 1);
        drop(slow);
        bus.publish(balance(Audience::User("ada".into()), 9));
        assert_eq!(bus.audience_size(), 0);
        // A window opened later receives what is published from then on.
        let mut later = bus.subscribe(viewer("ada", false));
        bus.publish(balance(Audience::User("ada".into()), 10));
        assert_eq!(balances(&mut later), [10]);
    }
}
