//! The address people and SDKs use to reach Loupe, and the absolute URLs built from it: links in
//! answers (`UiTemplate.Url`, signed `grant_read_access` links), invitation links, and a work
//! team's `SubDomain`.
//!
//! Behind a proxy the request's `Host` may be an internal name, so an operator can set the public
//! URL once; without it the URLs follow the `Host` each request was sent to. Loupe's pages, API
//! and assets are all served from the root of a host, so a public URL names an origin and nothing
//! more: a path prefix is refused rather than half supported.

use std::fmt;

/// An absolute `http`/`https` URL with a host and no path, query, fragment or credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `scheme://host[:port]`, the port only when it is not the scheme's default.
    origin: String,
    /// `host[:port]` alone, as A2I's `SubDomain` is spelled.
    host: String,
    https: bool,
}

impl PublicUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let url = url::Url::parse(raw).map_err(|e| {
            format!(
                "{raw:?} is not an absolute URL ({e}); give one like https://review.example.com"
            )
        })?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(format!("{raw:?} uses {other}:, not http: or https:")),
        };
        let Some(host) = url.host_str() else {
            return Err(format!("{raw:?} names no host"));
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{raw:?} must not hold a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "{raw:?} must not have a query (?…) or fragment (#…)"
            ));
        }
        if url.path() != "/" {
            return Err(format!(
                "{raw:?} has the path {}; Loupe serves its pages, API and assets from the root \
                 of a host, so publish it at the root of a host of its own (such as \
                 https://review.example.com) and give that",
                url.path()
            ));
        }
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Self {
            origin: format!("{}://{host}", url.scheme()),
            host,
            https,
        })
    }

    /// `scheme://host[:port]`, without a trailing slash: absolute links are this and a path.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// `host[:port]`: what `DescribeWorkteam` answers as `SubDomain` (A2I's is a host name
    /// without a scheme; notebooks prepend `https://`).
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn is_https(&self) -> bool {
        self.https
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

/// Where absolute URLs point: the public URL when one is set, else the host each request was
/// sent to, with the scheme the server is reached by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origins {
    pub public: Option<PublicUrl>,
    /// Clients reach this server over HTTPS (its own TLS, or a TLS proxy): the scheme of URLs
    /// built from a request's `Host`.
    pub https: bool,
}

/// The host used when a request names none (HTTP/1.0 clients).
const NO_HOST: &str = "localhost";

impl Origins {
    /// `scheme://host` for absolute links in the answer to a request sent to `request_host`.
    pub fn origin(&self, request_host: Option<&str>) -> String {
        match &self.public {
            Some(public) => public.origin().to_owned(),
            None => {
                let scheme = if self.https { "https" } else { "http" };
                format!("{scheme}://{}", request_host.unwrap_or(NO_HOST))
            }
        }
    }

    /// A work team's `SubDomain`: the public URL's `host[:port]`, or the request's `Host`.
    pub fn sub_domain(&self, request_host: Option<&str>) -> String {
        match &self.public {
            Some(public) => public.host().to_owned(),
            None => request_host.unwrap_or(NO_HOST).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_an_origin() {
        let url = PublicUrl::parse("https://review.example.com").unwrap();
        assert_eq!(url.origin(), "https://review.example.com");
        assert_eq!(url.host(), "review.example.com");
        assert!(url.is_https());
        let url = PublicUrl::parse("http://Review.Example.com:8080/").unwrap();
        assert_eq!(url.origin(), "http://review.example.com:8080");
        assert_eq!(url.host(), "review.example.com:8080");
        assert!(!url.is_https());
        // The scheme's own port is not spelled.
        assert_eq!(
            PublicUrl::parse("https://h.example:443").unwrap().host(),
            "h.example"
        );
        assert_eq!(
            PublicUrl::parse("http://[::1]:3000").unwrap().origin(),
            "http://[::1]:3000"
        );
    }

    #[test]
    fn anything_but_an_origin_is_refused_with_the_reason() {
        for (raw, reason) in [
            ("review.example.com", "not an absolute URL"),
            ("/review", "not an absolute URL"),
            ("ftp://review.example.com", "not http: or https:"),
            ("https://review.example.com/loupe", "has the path /loupe"),
            ("https://review.example.com/?a=1", "query"),
            ("https://review.example.com/?", "query"),
            ("https://review.example.com/#top", "fragment"),
            ("https://me:pw@review.example.com", "user name or password"),
            ("mailto:a@example.com", "not http: or https:"),
        ] {
            let error = PublicUrl::parse(raw).unwrap_err();
            assert!(error.contains(reason), "{raw}: {error}");
        }
    }

    #[test]
    fn without_a_public_url_links_follow_the_request() {
        let origins = Origins {
            public: None,
            https: false,
        };
        assert_eq!(
            origins.origin(Some("10.0.0.5:3000")),
            "http://10.0.0.5:3000"
        );
        assert_eq!(origins.sub_domain(Some("10.0.0.5:3000")), "10.0.0.5:3000");
        assert_eq!(origins.origin(None), "http://localhost");
        let tls = Origins {
            public: None,
            https: true,
        };
        assert_eq!(tls.origin(Some("h:8443")), "https://h:8443");
    }

    #[test]
    fn a_public_url_wins_over_the_request() {
        let origins = Origins {
            public: Some(PublicUrl::parse("https://review.example.com").unwrap()),
            https: false,
        };
        assert_eq!(
            origins.origin(Some("10.0.0.5:3000")),
            "https://review.example.com"
        );
        assert_eq!(
            origins.sub_domain(Some("10.0.0.5:3000")),
            "review.example.com"
        );
    }
}
