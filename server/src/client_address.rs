//! Where a request came from, for sign-in limits: the peer of the connection, or, behind
//! proxies the operator names, the address the outermost trusted proxy saw.
//!
//! IPv6 addresses are cut to their /64 network, the block one subscriber gets: otherwise a
//! single client could take a fresh address for every guess.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;

/// How to find the client's address.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientAddresses {
    /// Proxies in front of Loupe that append to `X-Forwarded-For`: 0 trusts no header.
    pub trusted_proxy_hops: usize,
}

impl ClientAddresses {
    /// The client of a request, as text for the store's sign-in counters.
    pub fn of(&self, headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> String {
        let peer = peer.map(|ConnectInfo(addr)| addr.ip());
        let forwarded = (self.trusted_proxy_hops > 0)
            .then(|| forwarded_for(headers, self.trusted_proxy_hops))
            .flatten();
        match forwarded.or(peer) {
            Some(ip) => network_of(ip).to_string(),
            None => "unknown".to_owned(),
        }
    }
}

/// The address `hops` entries from the right of `X-Forwarded-For` (each trusted proxy appends
/// the address it saw; anything further left was written by the client and proves nothing).
fn forwarded_for(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    entry.parse().ok()
}

/// IPv4 as it is; IPv6 cut to its /64 (IPv4-mapped IPv6 back to IPv4).
fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in xff {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_peer_unless_proxies_are_trusted() {
        let peer = ConnectInfo("203.0.113.9:5000".parse::<SocketAddr>().unwrap());
        let spoofed = headers(&["198.51.100.1"]);
        let direct = ClientAddresses::default();
        assert_eq!(direct.of(&spoofed, Some(&peer)), "203.0.113.9");
        let behind_one = ClientAddresses {
            trusted_proxy_hops: 1,
        };
        // The client wrote the first entry, the proxy appended the second.
        let through_proxy = headers(&["10.9.9.9, 198.51.100.1"]);
        assert_eq!(behind_one.of(&through_proxy, Some(&peer)), "198.51.100.1");
        let behind_two = ClientAddresses {
            trusted_proxy_hops: 2,
        };
        assert_eq!(
            behind_two.of(
                &headers(&["1.1.1.1", "198.51.100.1, 10.0.0.2"]),
                Some(&peer)
            ),
            "198.51.100.1"
        );
        // Fewer entries than hops, or garbage: the peer.
        assert_eq!(behind_two.of(&headers(&["x"]), Some(&peer)), "203.0.113.9");
        assert_eq!(direct.of(&HeaderMap::new(), None), "unknown");
    }

    #[test]
    fn ipv6_clients_count_by_their_64_bit_network() {
        let a = ConnectInfo("[2001:db8:1:2:aaaa::1]:1".parse::<SocketAddr>().unwrap());
        let b = ConnectInfo("[2001:db8:1:2:bbbb::2]:1".parse::<SocketAddr>().unwrap());
        let direct = ClientAddresses::default();
        let none = HeaderMap::new();
        assert_eq!(direct.of(&none, Some(&a)), "2001:db8:1:2::");
        assert_eq!(direct.of(&none, Some(&a)), direct.of(&none, Some(&b)));
        let mapped = ConnectInfo("[::ffff:192.0.2.4]:1".parse::<SocketAddr>().unwrap());
        assert_eq!(direct.of(&none, Some(&mapped)), "192.0.2.4");
    }
}
