//! `transport = tls`: rustls over the non-blocking socket.
//!
//! The server's certificate must chain to `tls_ca` and carry
//! `tls_server_name` (default `remote_server`); with `tls_cert` and
//! `tls_key` the client presents its own certificate (mutual TLS: the
//! collector can then check it against its allow-list).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use raudit_remote_proto::Decoder;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use crate::config::Config;
use crate::conn::ReadOutcome;

/// A TLS client session.
pub struct TlsClient {
    conn: rustls::ClientConnection,
}

/// Builds the client configuration from the `tls_*` keys.
pub fn client_config(
    cfg: &Config,
) -> Result<(Arc<rustls::ClientConfig>, ServerName<'static>), String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let Some(ca) = &cfg.tls_ca else {
        return Err("transport=tls needs tls_ca".into());
    };
    let mut roots = rustls::RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(ca)
        .map_err(|e| format!("{}: {e}", ca.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", ca.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate", ca.display()));
    }
    for c in certs {
        roots.add(c).map_err(|e| format!("{}: {e}", ca.display()))?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    let config = match (&cfg.tls_cert, &cfg.tls_key) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .map_err(|e| format!("{}: {e}", cert.display()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{}: {e}", cert.display()))?;
            let key =
                PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("client certificate: {e}"))?
        }
        _ => builder.with_no_client_auth(),
    };
    let name = cfg
        .tls_server_name
        .clone()
        .or_else(|| cfg.remote_server.clone())
        .unwrap_or_else(|| "localhost".into());
    let name = ServerName::try_from(name.clone()).map_err(|e| format!("{name}: {e}"))?;
    Ok((Arc::new(config), name))
}

impl TlsClient {
    /// Starts a session (the handshake runs as the socket allows).
    pub fn new(
        config: Arc<rustls::ClientConfig>,
        name: ServerName<'static>,
    ) -> io::Result<TlsClient> {
        let conn = rustls::ClientConnection::new(config, name).map_err(io::Error::other)?;
        Ok(TlsClient { conn })
    }

    /// Still handshaking.
    pub fn handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// TLS bytes wait to be written.
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// Hands plaintext to the session.
    pub fn write_plain(&mut self, data: &[u8]) -> io::Result<()> {
        self.conn.writer().write_all(data)
    }

    /// Writes pending TLS records while the socket takes them.
    pub fn write_tls(&mut self, sock: &mut TcpStream) -> io::Result<()> {
        while self.conn.wants_write() {
            match self.conn.write_tls(sock) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads TLS records and moves their plaintext into the decoder.
    pub fn read(&mut self, sock: &mut TcpStream, dec: &mut Decoder) -> io::Result<ReadOutcome> {
        let mut outcome = ReadOutcome::WouldBlock;
        loop {
            match self.conn.read_tls(sock) {
                Ok(0) => {
                    outcome = ReadOutcome::Closed;
                    break;
                }
                Ok(_) => {
                    outcome = ReadOutcome::Data;
                    let st = self
                        .conn
                        .process_new_packets()
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                    if st.peer_has_closed() {
                        outcome = ReadOutcome::Closed;
                    }
                    // The handshake may need answers.
                    self.write_tls(sock)?;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        loop {
            let buf = dec.spare(16 * 1024);
            match self.conn.reader().read(buf) {
                Ok(0) => break,
                Ok(n) => {
                    dec.filled(n);
                    if matches!(outcome, ReadOutcome::WouldBlock) {
                        outcome = ReadOutcome::Data;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    outcome = ReadOutcome::Closed;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(outcome)
    }

    /// Sends close_notify (best effort).
    pub fn close(&mut self, sock: &mut TcpStream) {
        self.conn.send_close_notify();
        let _ = self.write_tls(sock);
    }
}
