//! Follow the daemon's objects with an [`Informer`] and print each change:
//! `cargo run -p devlink-client --features aio --example informer [SOCKET]`.

#![allow(clippy::print_stdout, reason = "an example prints what it sees")]

use std::path::PathBuf;

use devlink_client::aio::{Change, Informer, InformerOptions};
use devlink_wire::watch::Filter;
use tokio::sync::broadcast::error::RecvError;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let socket = devlink_client::socket_path(std::env::args_os().nth(1).map(PathBuf::from));
    let inf = Informer::start(socket, Filter::default(), InformerOptions::default());
    let mut changes = inf.changes();
    loop {
        match changes.recv().await {
            Ok(Change::Put {
                revision,
                key,
                before,
                ..
            }) => {
                let what = if before.is_some() { "changed" } else { "new" };
                println!(
                    "{revision} {what} {} {:?} {:?}",
                    key.handle, key.kind, key.sub
                );
            }
            Ok(Change::Del { revision, key, .. }) => {
                println!(
                    "{revision} gone {} {:?} {:?}",
                    key.handle, key.kind, key.sub
                );
            }
            Ok(Change::Relisted { revision }) => println!("{revision} re-listed"),
            Ok(Change::Revision { revision }) => {
                println!("{revision} complete: {} objects", inf.mirror().len());
            }
            Err(RecvError::Lagged(n)) => println!("missed {n} changes"),
            Err(RecvError::Closed) => break,
        }
    }
}
