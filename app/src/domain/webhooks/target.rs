//! Where a webhook may deliver: an `http` or `https` URL without credentials, whose host is a
//! public address. Loopback, private, link-local (cloud metadata at 169.254.169.254),
//! carrier-grade NAT, multicast and reserved addresses are refused unless the operator
//! allows private targets (`webhook_allow_private`). Host names are checked again on every
//! delivery, on the addresses they resolve to then, so that DNS cannot point a registered
//! name inside the network later.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::domain::validate::FieldError;

/// The longest URL kept.
pub const MAX_URL: usize = 2000;

/// Checks a URL an admin typed; returns it normalised.
pub fn check_url(raw: &str, allow_private: bool) -> Result<Url, FieldError> {
    let bad = |message: &str| ("url", message.to_string());
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_URL {
        return Err(bad("Enter the http(s) URL that receives the events."));
    }
    let url = Url::parse(raw)
        .map_err(|_| bad("Enter a full URL like https://hooks.example.com/vault."))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("Only http and https URLs can receive webhooks."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "Leave credentials out of the URL: every delivery is signed instead.",
        ));
    }
    match url.host() {
        None => return Err(bad("The URL needs a host.")),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if !allow_private && (name == "localhost" || name.ends_with(".localhost")) {
                return Err(bad(BLOCKED));
            }
        }
        Some(Host::Ipv4(ip)) => {
            check_ip(IpAddr::V4(ip), allow_private).map_err(|_| bad(BLOCKED))?
        }
        Some(Host::Ipv6(ip)) => {
            check_ip(IpAddr::V6(ip), allow_private).map_err(|_| bad(BLOCKED))?
        }
    }
    Ok(url)
}

const BLOCKED: &str =
    "Webhooks cannot reach loopback, private or link-local addresses; ask an operator if this one must be allowed.";

/// An address a delivery may connect to.
pub fn check_ip(ip: IpAddr, allow_private: bool) -> Result<(), Blocked> {
    if allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(Blocked(ip))
    }
}

/// A delivery refused because its host is (or resolved to) a non-public address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("address {0} is not public")]
pub struct Blocked(pub IpAddr);

/// Whether `ip` is a globally reachable unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_v4(v4);
            }
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                let [a, b] = hi.to_be_bytes();
                let [c, d] = lo.to_be_bytes();
                Ipv4Addr::new(a, b, c, d)
            };
            // NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                return public_v4(embedded(s[6], s[7]));
            }
            // Local-use NAT64 (64:ff9b:1::/48) translates into a network of its operator's
            // choosing; IPv4-compatible addresses (::/96, deprecated) and Teredo (2001::/32)
            // embed IPv4 addresses a relay may reach: none of them is a public target.
            if (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1)
                || s[0..6] == [0, 0, 0, 0, 0, 0]
                || (s[0] == 0x2001 && s[1] == 0)
            {
                return false;
            }
            // 6to4 (2002::/16) reaches the IPv4 address in its next 32 bits.
            if s[0] == 0x2002 {
                return public_v4(embedded(s[1], s[2]));
            }
            public_v6(v6)
        }
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_public_unicast_addresses_are_public() {
        for blocked in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
            "::127.0.0.1",
            "::10.0.0.1",
            "::8.8.8.8",
            "64:ff9b:1::a00:1",
            "64:ff9b:1:ffff::1",
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "2001:0:4136:e378::1",
        ] {
            assert!(!is_public(ip(blocked)), "{blocked}");
        }
        for open in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(ip(open)), "{open}");
        }
        assert!(check_ip(ip("127.0.0.1"), true).is_ok());
    }

    #[test]
    fn urls_are_http_without_credentials_and_not_internal() {
        assert!(check_url("https://hooks.example.com/vault", false).is_ok());
        assert!(check_url("http://93.184.216.34:8080/x", false).is_ok());
        for bad in [
            "",
            "hooks.example.com",
            "ftp://hooks.example.com/",
            "file:///etc/passwd",
            "https://user:pass@hooks.example.com/",
            "http://127.0.0.1:9000/",
            "http://localhost/",
            "http://api.localhost/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.8/",
            "http://2130706433/",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad}");
        }
        assert!(check_url("http://127.0.0.1:9000/hook", true).is_ok());
    }
}
