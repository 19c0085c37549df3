//! One connection to the collector: a non-blocking TCP socket, optionally
//! wrapped in TLS, with an output buffer and a reply decoder.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use raudit_remote_proto::{Decoder, Mode};
use rustix::net::{sockopt, AddressFamily, SocketType};

use crate::tls::TlsClient;

/// What reading did.
pub enum ReadOutcome {
    /// Some bytes (maybe 0 if they were TLS records only) went to the decoder.
    Data,
    /// Nothing available now.
    WouldBlock,
    /// The peer closed the connection cleanly.
    Closed,
}

/// An established connection.
pub struct Conn {
    sock: TcpStream,
    tls: Option<Box<TlsClient>>,
    /// Bytes (plaintext) waiting to be written.
    pub out: Vec<u8>,
    out_pos: usize,
    /// Replies.
    pub dec: Decoder,
}

/// Why connecting failed (messages as the original's).
pub struct ConnectError {
    /// Logged text.
    pub message: String,
    /// Name lookup failed for good.
    pub permanent: bool,
}

/// Resolves and connects (blocking, bounded by `timeout`), binding
/// `local_port` first when it is not 0.
pub fn connect(
    server: Option<&str>,
    port: u16,
    local_port: u16,
    timeout: Duration,
) -> Result<TcpStream, ConnectError> {
    let shown = server.unwrap_or("(null)");
    let addrs: Vec<SocketAddr> = match server {
        None => vec![
            SocketAddr::from(([127, 0, 0, 1], port)),
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
        ],
        Some(s) => match (s, port).to_socket_addrs() {
            Ok(a) => a.collect(),
            Err(e) => {
                return Err(ConnectError {
                    message: format!("Error looking up remote host: {e} - exiting"),
                    permanent: true,
                })
            }
        },
    };
    let mut last = String::from("no address");
    for a in addrs {
        match connect_one(a, local_port, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => {
                last = match e.1 {
                    Some(m) => m,
                    None => format!(
                        "Error connecting to {shown}: {}",
                        crate::config::strerror(&e.0)
                    ),
                }
            }
        }
    }
    Err(ConnectError {
        message: last,
        permanent: false,
    })
}

fn connect_one(
    a: SocketAddr,
    local_port: u16,
    timeout: Duration,
) -> Result<TcpStream, (io::Error, Option<String>)> {
    let fam = if a.is_ipv4() {
        AddressFamily::INET
    } else {
        AddressFamily::INET6
    };
    let e = |e: rustix::io::Errno| (io::Error::from(e), None);
    let fd: OwnedFd = rustix::net::socket_with(
        fam,
        SocketType::STREAM,
        rustix::net::SocketFlags::CLOEXEC,
        None,
    )
    .map_err(e)?;
    let _ = sockopt::set_socket_reuseaddr(&fd, true);
    let _ = sockopt::set_socket_timeout(&fd, sockopt::Timeout::Send, Some(timeout));
    if local_port != 0 {
        let local = match a {
            SocketAddr::V4(_) => SocketAddr::from(([0, 0, 0, 0], local_port)),
            SocketAddr::V6(_) => SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, local_port)),
        };
        rustix::net::bind(&fd, &local).map_err(|er| {
            (
                io::Error::from(er),
                Some(format!("Cannot bind local socket to port {local_port}")),
            )
        })?;
    }
    rustix::net::connect(&fd, &a).map_err(e)?;
    let s = TcpStream::from(fd);
    let _ = sockopt::set_socket_timeout(&s, sockopt::Timeout::Send, None);
    Ok(s)
}

impl Conn {
    /// Wraps a connected socket (made non-blocking here).
    pub fn new(sock: TcpStream, nodelay: bool, tls: Option<TlsClient>) -> io::Result<Conn> {
        sock.set_nonblocking(true)?;
        let _ = sock.set_nodelay(nodelay);
        let _ = sockopt::set_socket_keepalive(&sock, true);
        Ok(Conn {
            sock,
            tls: tls.map(Box::new),
            out: Vec::new(),
            out_pos: 0,
            dec: Decoder::new(Mode::Managed),
        })
    }

    /// The socket, to poll.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }

    /// True while TLS handshaking.
    pub fn handshaking(&self) -> bool {
        self.tls.as_ref().is_some_and(|t| t.handshaking())
    }

    /// Whether poll should wait for writability.
    pub fn wants_write(&self) -> bool {
        self.out_pos < self.out.len() || self.tls.as_ref().is_some_and(|t| t.wants_write())
    }

    /// Plaintext bytes not yet handed to the socket (or to TLS).
    pub fn pending(&self) -> usize {
        self.out.len() - self.out_pos
    }

    /// Writes what the socket takes now.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.tls {
            None => {
                while self.out_pos < self.out.len() {
                    match self.sock.write(&self.out[self.out_pos..]) {
                        Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                        Ok(n) => self.out_pos += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
            Some(t) => {
                if !t.handshaking() && self.out_pos < self.out.len() {
                    t.write_plain(&self.out[self.out_pos..])?;
                    self.out_pos = self.out.len();
                }
                t.write_tls(&mut self.sock)?;
            }
        }
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
        Ok(())
    }

    /// Reads what is available into the decoder.
    pub fn read(&mut self) -> io::Result<ReadOutcome> {
        match &mut self.tls {
            None => {
                let buf = self.dec.spare(64 * 1024);
                match self.sock.read(buf) {
                    Ok(0) => Ok(ReadOutcome::Closed),
                    Ok(n) => {
                        self.dec.filled(n);
                        Ok(ReadOutcome::Data)
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(ReadOutcome::WouldBlock),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(ReadOutcome::WouldBlock),
                    Err(e) => Err(e),
                }
            }
            Some(t) => t.read(&mut self.sock, &mut self.dec),
        }
    }

    /// Orderly close.
    pub fn shutdown(&mut self) {
        if let Some(t) = &mut self.tls {
            t.close(&mut self.sock);
        }
        let _ = self.sock.shutdown(std::net::Shutdown::Both);
    }
}
