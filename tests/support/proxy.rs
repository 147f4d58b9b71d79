//! A TCP proxy for tests: it stands in front of a fake server on a fixed
//! local port and can be taken down (new connections refused, open ones
//! cut) and brought back on the same port. Cutting the open connections
//! matters: a dropped fake could keep serving pooled keep-alive ones.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

/// A TCP proxy on a fixed local port that can be taken down and brought back.
pub struct Proxy {
    addr: SocketAddr,
    target: SocketAddr,
    accept: Option<JoinHandle<()>>,
    conns: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    pub async fn start(target_url: &str) -> Proxy {
        let target: SocketAddr = target_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("fake base_url is http://ip:port");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let mut proxy = Proxy {
            addr: listener.local_addr().expect("proxy addr"),
            target,
            accept: None,
            conns: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn serve(&mut self, listener: TcpListener) {
        let (target, conns) = (self.target, self.conns.clone());
        self.accept = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let conn = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                conns
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(conn.abort_handle());
            }
        }));
    }

    /// Refuse new connections and cut the open ones.
    pub async fn down(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
            // The listener is closed once the aborted task has been dropped.
            let _ = accept.await;
        }
        for conn in self
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            conn.abort();
        }
    }

    /// Listen again on the same port.
    pub async fn up(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("could not listen on {} again: {e}", self.addr),
            }
        };
        self.serve(listener);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        for conn in self
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            conn.abort();
        }
    }
}
