//! `loupe serve`'s flags for the proxied AI services: where each one's calls go on to, the
//! region they are signed for, and the credentials they are signed with.

use std::fmt;
use std::sync::Arc;

use anyhow::{Result, bail};
use clap::Args;
use reqwest::Url;

use super::forward::{Credentials, Upstream, Upstreams};

#[derive(Clone, Args)]
pub struct UpstreamArgs {
    /// Endpoint that Textract AnalyzeDocument calls go on to, without their HumanLoopConfig
    /// (https://textract.us-east-1.amazonaws.com, or anything that speaks Textract). Without
    /// it, Loupe refuses AnalyzeDocument.
    #[arg(long, env = "LOUPE_TEXTRACT_UPSTREAM")]
    pub textract_upstream: Option<Url>,

    /// Endpoint that Rekognition DetectModerationLabels calls go on to, without their
    /// HumanLoopConfig (https://rekognition.us-east-1.amazonaws.com). Without it, Loupe
    /// refuses DetectModerationLabels.
    #[arg(long, env = "LOUPE_REKOGNITION_UPSTREAM")]
    pub rekognition_upstream: Option<Url>,

    /// Region the forwarded calls are signed for; default: --region.
    #[arg(long, env = "LOUPE_UPSTREAM_REGION")]
    pub upstream_region: Option<String>,

    /// Access key id the forwarded calls are signed with (prefer the environment variable).
    #[arg(long, env = "LOUPE_UPSTREAM_AWS_ACCESS_KEY_ID")]
    pub upstream_access_key_id: Option<String>,

    /// Its secret (prefer the environment variable).
    #[arg(
        long,
        env = "LOUPE_UPSTREAM_AWS_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub upstream_secret_access_key: Option<String>,

    /// Session token of temporary credentials, sent as X-Amz-Security-Token.
    #[arg(long, env = "LOUPE_UPSTREAM_AWS_SESSION_TOKEN", hide_env_values = true)]
    pub upstream_session_token: Option<String>,
}

/// Written by hand so the secrets never reach a log line.
impl fmt::Debug for UpstreamArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamArgs")
            .field("textract_upstream", &self.textract_upstream)
            .field("rekognition_upstream", &self.rekognition_upstream)
            .field("upstream_region", &self.upstream_region)
            .field("upstream_access_key_id", &self.upstream_access_key_id)
            .finish_non_exhaustive()
    }
}

impl UpstreamArgs {
    /// The configured upstreams; `region` is the server's own, used when no upstream region is
    /// given. An upstream without credentials is a start-up error, not a surprise at the
    /// first call.
    pub fn upstreams(&self, region: &str) -> Result<Upstreams> {
        let endpoints = [
            ("--textract-upstream", &self.textract_upstream),
            ("--rekognition-upstream", &self.rekognition_upstream),
        ];
        for (flag, endpoint) in endpoints {
            if let Some(url) = endpoint
                && !matches!(url.scheme(), "http" | "https")
            {
                bail!("{flag} must be an http:// or https:// URL, not {url}");
            }
        }
        if self.textract_upstream.is_none() && self.rekognition_upstream.is_none() {
            return Ok(Upstreams::new(None, None));
        }
        let (Some(access_key_id), Some(secret_access_key)) = (
            self.upstream_access_key_id.clone(),
            self.upstream_secret_access_key.clone(),
        ) else {
            bail!(
                "an AI service upstream needs credentials to sign with: set \
                 LOUPE_UPSTREAM_AWS_ACCESS_KEY_ID and LOUPE_UPSTREAM_AWS_SECRET_ACCESS_KEY"
            );
        };
        let credentials = Arc::new(Credentials {
            access_key_id,
            secret_access_key,
            session_token: self.upstream_session_token.clone(),
        });
        let region = self.upstream_region.as_deref().unwrap_or(region);
        let upstream = |endpoint: &Option<Url>| {
            endpoint.clone().map(|endpoint| Upstream {
                endpoint,
                region: region.to_owned(),
                credentials: credentials.clone(),
            })
        };
        Ok(Upstreams::new(
            upstream(&self.textract_upstream),
            upstream(&self.rekognition_upstream),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(textract: Option<&str>, key: Option<&str>) -> UpstreamArgs {
        UpstreamArgs {
            textract_upstream: textract.map(|u| u.parse().unwrap()),
            rekognition_upstream: None,
            upstream_region: None,
            upstream_access_key_id: key.map(str::to_owned),
            upstream_secret_access_key: key.map(|_| "secret".to_owned()),
            upstream_session_token: None,
        }
    }

    #[test]
    fn an_upstream_needs_credentials_and_an_http_url() {
        assert!(args(None, None).upstreams("us-east-1").is_ok());
        let missing = args(Some("https://textract.example"), None).upstreams("us-east-1");
        assert!(
            missing
                .unwrap_err()
                .to_string()
                .contains("LOUPE_UPSTREAM_AWS_ACCESS_KEY_ID")
        );
        let ftp = args(Some("ftp://textract.example"), Some("AKID")).upstreams("us-east-1");
        assert!(ftp.unwrap_err().to_string().contains("--textract-upstream"));
        let upstreams = args(Some("https://textract.example"), Some("AKID"))
            .upstreams("eu-west-1")
            .unwrap();
        let textract = upstreams.upstream(&super::super::textract::ANALYZE_DOCUMENT);
        assert_eq!(textract.unwrap().region, "eu-west-1");
        assert!(
            upstreams
                .upstream(&super::super::rekognition::DETECT_MODERATION_LABELS)
                .is_none()
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut args = args(Some("https://textract.example"), Some("AKID"));
        args.upstream_session_token = Some("token-value".into());
        let shown = format!("{args:?}");
        assert!(shown.contains("AKID"));
        assert!(!shown.contains("secret") && !shown.contains("token-value"));
    }
}
