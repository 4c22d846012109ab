//! Runs the Stripe Checkout loopback fake as a process (for browser end-to-end tests): prints its base
//! URL, then serves until killed. `POST <base>_fake/webhook {"url": ...}` says where paid sessions' events go.

#[tokio::main]
async fn main() {
    let fake = pixel_testkit::stripe_fake::FakeStripe::start().await;
    println!("{}", fake.base_url);
    std::future::pending::<()>().await;
}
