//! One SDK client per AWS service the children live in, honouring the provider's `endpoints`.

use std::collections::BTreeMap;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::SdkConfig;

#[derive(Clone, Debug)]
pub struct Clients {
    pub ecs: aws_sdk_ecs::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub codedeploy: aws_sdk_codedeploy::Client,
    pub discovery: aws_sdk_servicediscovery::Client,
    pub iam: aws_sdk_iam::Client,
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
}

macro_rules! client {
    ($krate:ident, $sdk:expr, $endpoints:expr, $key:literal) => {{
        let mut builder = $krate::config::Builder::from($sdk);
        if let Some(url) = $endpoints.get($key) {
            builder = builder.endpoint_url(url);
        }
        $krate::Client::from_conf(builder.build())
    }};
}

impl Clients {
    pub fn new(sdk: &SdkConfig, endpoints: &BTreeMap<String, String>) -> Clients {
        Clients {
            ecs: client!(aws_sdk_ecs, sdk, endpoints, "ecs"),
            elbv2: client!(aws_sdk_elasticloadbalancingv2, sdk, endpoints, "elbv2"),
            codedeploy: client!(aws_sdk_codedeploy, sdk, endpoints, "codedeploy"),
            discovery: client!(aws_sdk_servicediscovery, sdk, endpoints, "servicediscovery"),
            iam: client!(aws_sdk_iam, sdk, endpoints, "iam"),
            autoscaling: client!(
                aws_sdk_applicationautoscaling,
                sdk,
                endpoints,
                "applicationautoscaling"
            ),
            logs: client!(aws_sdk_cloudwatchlogs, sdk, endpoints, "logs"),
            cloudwatch: client!(aws_sdk_cloudwatch, sdk, endpoints, "cloudwatch"),
        }
    }
}

/// A failed AWS call, with the operation and AWS's error code for diagnostics.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {message}")]
pub struct AwsError {
    pub operation: &'static str,
    pub code: Option<String>,
    pub message: String,
}

impl AwsError {
    pub fn new(operation: &'static str, message: impl Into<String>) -> AwsError {
        AwsError {
            operation,
            code: None,
            message: message.into(),
        }
    }

    /// Whether AWS said the addressed thing does not exist.
    pub fn is_not_found(&self) -> bool {
        self.code.as_deref().is_some_and(|c| {
            c.contains("NotFound")
                || c.contains("NoSuch")
                || c.contains("DoesNotExist")
                || c == "ResourceNotFoundException"
                || c == "ServiceNotFound"
                || c == "ObjectNotFoundException"
        })
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// Whether AWS throttled the call (each protocol names it its own way); these are what
    /// the SDK's retry already retried until its attempts ran out.
    pub fn is_throttling(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| THROTTLING_CODES.contains(&c))
    }

    /// Whether AWS refused the credentials themselves (not a permission on one action).
    pub fn is_credentials_refused(&self) -> bool {
        self.code.as_deref().is_some_and(|c| {
            matches!(
                c,
                "InvalidClientTokenId"
                    | "SignatureDoesNotMatch"
                    | "ExpiredToken"
                    | "ExpiredTokenException"
                    | "UnrecognizedClientException"
                    | "InvalidAccessKeyId"
                    | "AuthFailure"
                    | "IncompleteSignature"
                    | "MissingAuthenticationToken"
            )
        })
    }
}

/// The throttling error codes of the protocols the provider speaks (the SDK's own list).
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

pub type AwsResult<T> = Result<T, AwsError>;

/// Converts an SDK error, keeping AWS's code and message rather than the SDK's wrapping.
pub fn sdk_error<E, R>(operation: &'static str, e: SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = e.code().map(str::to_owned);
    let message = match (e.code(), e.message()) {
        (Some(code), Some(msg)) => format!("{code}: {msg}"),
        (Some(code), None) => code.to_owned(),
        _ => aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
    };
    AwsError {
        operation,
        code,
        message,
    }
}

/// `.map_err(err("Op"))` shorthand.
pub fn err<E, R>(operation: &'static str) -> impl FnOnce(SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    move |e| sdk_error(operation, e)
}

/// `Ok(None)` for a not-found error, so reads can report a child as gone.
pub fn absent<T>(r: AwsResult<T>) -> AwsResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Treats not-found as success, for deletes that may find the child already gone.
pub fn gone_ok(r: AwsResult<()>) -> AwsResult<()> {
    match r {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}
