//! `transport = tls` (raudit): rustls server with mandatory client
//! certificates chained to `tls_ca`, and an allow-list of client names.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use crate::config::Config;

fn need<'a>(v: &'a Option<std::path::PathBuf>, key: &str) -> Result<&'a Path, String> {
    v.as_deref()
        .ok_or_else(|| format!("transport = tls needs {key} in auditd.conf"))
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let v: Vec<_> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("Cannot read certificates from {} ({e})", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("Bad certificate in {} ({e})", path.display()))?;
    if v.is_empty() {
        return Err(format!("No certificate in {}", path.display()));
    }
    Ok(v)
}

/// The server configuration from `tls_cert`, `tls_key`, `tls_ca`.
pub(super) fn server_config(cfg: &Config) -> Result<Arc<rustls::ServerConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = certs(need(&cfg.tls_cert, "tls_cert")?)?;
    let key_path = need(&cfg.tls_key, "tls_key")?;
    let key = PrivateKeyDer::from_pem_file(key_path).map_err(|e| {
        format!(
            "Cannot read a private key from {} ({e})",
            key_path.display()
        )
    })?;
    let ca_path = need(&cfg.tls_ca, "tls_ca")?;
    let mut roots = rustls::RootCertStore::empty();
    for c in certs(ca_path)? {
        roots
            .add(c)
            .map_err(|e| format!("Bad CA certificate in {} ({e})", ca_path.display()))?;
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| format!("Cannot use the CA of {} ({e})", ca_path.display()))?;
    let sc = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed ({e})"))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| {
            format!(
                "The key in {} does not fit the certificate ({e})",
                key_path.display()
            )
        })?;
    Ok(Arc::new(sc))
}

/// Checks a verified client certificate against the allow-list; the name
/// it matched (or `*` when the list is empty).
pub(super) fn allowed(cert: &CertificateDer<'_>, allow: &[String]) -> Result<String, String> {
    if allow.is_empty() {
        return Ok("*".into());
    }
    let ee = webpki::EndEntityCert::try_from(cert)
        .map_err(|e| format!("sent an unreadable certificate ({e})"))?;
    for name in allow {
        let Ok(sn) = ServerName::try_from(name.as_str()) else {
            continue;
        };
        if ee.verify_is_valid_for_subject_name(&sn).is_ok() {
            return Ok(name.clone());
        }
    }
    Err("presented a certificate for a name not in tls_allowed_clients".into())
}
