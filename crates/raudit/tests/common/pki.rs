//! A throw-away PKI for the TLS tests (remote client and collector): one
//! test CA with a server, two client certificates and an outsider signed by
//! another CA. Generated at run time; nothing secret is committed.

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};

/// PEM certificates and keys: `(certificate, key)` pairs.
pub struct Pki {
    /// The test CA (PEM).
    pub ca_pem: String,
    /// The test CA (DER, for rustls root stores).
    pub ca_der: rustls::pki_types::CertificateDer<'static>,
    /// Another CA that signed nothing the servers trust (PEM).
    pub other_ca_pem: String,
    /// `localhost`, server auth, signed by the test CA.
    pub server: (String, String),
    /// `client1`, client auth, signed by the test CA (on the allow-list).
    pub client: (String, String),
    /// `intruder`, client auth, signed by the test CA (not on the allow-list).
    pub intruder: (String, String),
    /// `client1` again, but signed by the other CA.
    pub stranger: (String, String),
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, name);
    let k = KeyPair::generate().unwrap();
    let c = p.self_signed(&k).unwrap();
    (c, k)
}

fn leaf(name: &str, server: bool, issuer: &(rcgen::Certificate, KeyPair)) -> (String, String) {
    let mut p = CertificateParams::new(vec![name.to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    p.extended_key_usages = vec![if server {
        ExtendedKeyUsagePurpose::ServerAuth
    } else {
        ExtendedKeyUsagePurpose::ClientAuth
    }];
    let k = KeyPair::generate().unwrap();
    let c = p.signed_by(&k, &issuer.0, &issuer.1).unwrap();
    (c.pem(), k.serialize_pem())
}

/// A fresh PKI.
pub fn pki() -> Pki {
    let root = ca("raudit test CA");
    let other = ca("someone else's CA");
    Pki {
        ca_pem: root.0.pem(),
        ca_der: root.0.der().clone(),
        other_ca_pem: other.0.pem(),
        server: leaf("localhost", true, &root),
        client: leaf("client1", false, &root),
        intruder: leaf("intruder", false, &root),
        stranger: leaf("client1", false, &other),
    }
}
