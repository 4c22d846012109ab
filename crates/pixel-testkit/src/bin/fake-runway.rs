//! Runs the Runway loopback fake as a process (for browser end-to-end tests): prints its base URL, then
//! serves until killed.

#[tokio::main]
async fn main() {
    let fake = pixel_testkit::FakeRunway::start().await;
    println!("{}", fake.base_url);
    std::future::pending::<()>().await;
}
