//! Runs the Printful loopback fake as a process (for browser end-to-end tests): prints its base URL,
//! then serves until killed. `POST <base>/_fake/webhook {"url": ...}` says where its events go.

#[tokio::main]
async fn main() {
    let fake = pixel_testkit::printful_fake::FakePrintful::start().await;
    println!("{}", fake.base_url);
    std::future::pending::<()>().await;
}
