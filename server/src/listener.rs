//! The TCP listener both the server and the bench's baseline accept connections on.

use axum::serve::{ListenerExt, TapIo};
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};

/// Listens on `addr`, with `TCP_NODELAY` on every accepted connection.
///
/// Leptos streams a page in several writes. With Nagle's algorithm on, a write that
/// follows one not yet acknowledged waits for the browser's delayed ACK, so a member
/// alone on a kept-alive connection waited for it on every page (docs/benchmarks.md).
///
/// The type is concrete because axum's `ConnectInfo` is implemented for `TapIo`, not for
/// any listener.
pub async fn bind(addr: SocketAddr) -> Result<TapIo<TcpListener, fn(&mut TcpStream)>, String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    Ok(listener.tap_io(no_delay as fn(&mut TcpStream)))
}

fn no_delay(tcp: &mut TcpStream) {
    if let Err(err) = tcp.set_nodelay(true) {
        tracing::warn!(%err, "cannot set TCP_NODELAY on a connection");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;

    #[tokio::test]
    async fn accepted_connections_send_small_writes_at_once() {
        let mut listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (io, peer) = listener.accept().await;
        assert_eq!(peer, client.local_addr().unwrap());
        assert!(io.nodelay().unwrap(), "Nagle's algorithm is still on");
    }
}
