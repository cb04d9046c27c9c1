//! Shared harness for the integration and acceptance tests: the real `tofu` binary with the
//! provider under test installed through dev_overrides, and the AWS emulator on loopback.
//!
//! The tools come from `tools/install.sh` (the README's test command runs it and exports
//! TOFU and MOTO_PYTHON). A test that cannot find them fails; it never skips.

#![allow(dead_code)]

pub mod scenario;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// examples/codedeploy's strategy and CodeDeploy settings, as the file has them: what a test
/// replaces to move the example to another strategy.
pub const CODEDEPLOY_BLOCK: &str = "  deployment_strategy = \"codedeploy\"\n\n  blue_green {\n    deployment_config        = \"CodeDeployDefault.ECSAllAtOnce\"\n    termination_wait_minutes = 5\n    auto_rollback_events     = [\"DEPLOYMENT_FAILURE\"]\n  }\n";

/// The provider's source address in test configurations.
pub const PROVIDER_SOURCE: &str = "terraform-provider-fargate/fargate";

/// The `terraform` and `provider` blocks of a test configuration written inline (the provider
/// takes its region and endpoint from the environment).
pub const PROVIDER_BLOCKS: &str = r#"
terraform {
  required_providers {
    fargate = {
      source = "terraform-provider-fargate/fargate"
    }
  }
}

provider "fargate" {}
"#;

pub fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-fargate"))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn required_env(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!(
            "{name} is not set. Run the tests through the README's test command (tools/test.sh), which \
             installs the pinned tools and exports {name}."
        ),
    }
}

pub fn tofu_path() -> PathBuf {
    PathBuf::from(required_env("TOFU"))
}

/// HashiCorp Terraform (1.5.7, the last MPL release, built by tools/install.sh).
pub fn terraform_path() -> PathBuf {
    PathBuf::from(required_env("TERRAFORM"))
}

/// An AWS endpoint for a test: the user's (`AWS_ENDPOINT_URL`, e.g. LocalStack Pro or a real
/// account), or the project's moto launcher started for this test and stopped when dropped.
pub struct Emulator {
    pub endpoint: String,
    /// Whether this is our launcher (request log, fault injection, dummy credentials).
    pub embedded: bool,
    child: Option<Child>,
}

impl Emulator {
    pub fn start() -> Emulator {
        if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL")
            && !endpoint.is_empty()
        {
            return Emulator {
                endpoint,
                embedded: false,
                child: None,
            };
        }
        let python = required_env("MOTO_PYTHON");
        let mut child = Command::new(python)
            .arg(repo_root().join("tests/emulator/launcher.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator launcher");
        let stdout = child.stdout.take().expect("launcher stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the launcher's ready line");
        let ready: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("launcher said {line:?}: {e}"));
        let endpoint = ready["endpoint"].as_str().expect("endpoint").to_owned();
        assert!(
            endpoint.starts_with("http://127.0.0.1:"),
            "emulator must listen on loopback: {endpoint}"
        );
        Emulator {
            endpoint,
            embedded: true,
            child: Some(child),
        }
    }

    /// Environment for AWS clients (tofu's provider, fixtures) to reach this endpoint. Retries
    /// are the provider's defaults, as users run it: a test that injects a retried fault on
    /// purpose turns them off itself and says why.
    pub fn aws_env(&self) -> Vec<(String, String)> {
        let mut env = vec![("AWS_ENDPOINT_URL".to_owned(), self.endpoint.clone())];
        if self.embedded {
            for (k, v) in [
                ("AWS_ACCESS_KEY_ID", "test"),
                ("AWS_SECRET_ACCESS_KEY", "test"),
                ("AWS_REGION", "us-east-1"),
            ] {
                env.push((k.to_owned(), v.to_owned()));
            }
        }
        env
    }

    /// The AWS calls the emulator has served, as "service:Action".
    pub fn requests(&self) -> Vec<String> {
        self.timed_requests().into_iter().map(|(_, c)| c).collect()
    }

    /// The AWS calls served, as (arrival in seconds since the emulator started,
    /// "service:Action"): with a call delay, calls that arrive together ran side by side.
    pub fn timed_requests(&self) -> Vec<(f64, String)> {
        assert!(
            self.embedded,
            "the request log is a feature of the embedded emulator"
        );
        let body = http(&self.endpoint, "GET", "/_emulator/requests", "");
        let list: Vec<serde_json::Value> = serde_json::from_str(&body).expect("request log JSON");
        list.iter()
            .map(|r| {
                (
                    r["at"].as_f64().unwrap_or(0.0),
                    format!(
                        "{}:{}",
                        r["service"].as_str().unwrap_or(""),
                        r["action"].as_str().unwrap_or("")
                    ),
                )
            })
            .collect()
    }

    /// The calls that no test may cause unless it injected them: answered with a server error
    /// (5xx) the test did not inject, carrying an empty identifier (ARN, name, ID), or refused
    /// by AWS's API model, each as "service:Action status code reason member detail". Kept
    /// since the emulator started.
    pub fn violations(&self) -> Vec<String> {
        assert!(
            self.embedded,
            "the violations log is a feature of the embedded emulator"
        );
        let body = http(&self.endpoint, "GET", "/_emulator/violations", "");
        let list: Vec<serde_json::Value> = serde_json::from_str(&body).expect("violations JSON");
        list.iter()
            .map(|v| {
                let field = |k: &str| match &v[k] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "-".to_owned(),
                    other => other.to_string(),
                };
                format!(
                    "{}:{} {} {} {} {} {}",
                    field("service"),
                    field("action"),
                    field("status"),
                    field("code"),
                    field("reason"),
                    field("member"),
                    field("detail")
                )
            })
            .collect()
    }

    pub fn reset_requests(&self) {
        if self.embedded {
            http(&self.endpoint, "POST", "/_emulator/requests/reset", "");
        }
    }

    /// Makes the next `times` calls of `action` (of any service) fail with HTTP 500
    /// InternalFailure, which the SDK retries: with retries on, one such fault is absorbed.
    pub fn inject_fault(&self, action: &str, times: u32) {
        self.inject(&Fault::new(action).times(times));
    }

    /// Makes the next `times` calls of `service`'s `action` fail (`service` as in the SigV4
    /// credential scope: "ecs", "servicediscovery", "elasticloadbalancing", "iam", ...). With
    /// `code`, the error has that code and the status AWS gives it (400 unless it is a server
    /// error; 403 for AccessDenied): pass a 4xx code that is not a throttling one (e.g.
    /// "AccessDeniedException" for awsJson services, "AccessDenied" for awsQuery ones) for a
    /// failure the SDK does not retry. Without, HTTP 500 InternalFailure (EC2: InternalError).
    pub fn inject_fault_in(&self, service: &str, action: &str, times: u32, code: Option<&str>) {
        let mut fault = Fault::new(action).service(service).times(times);
        if let Some(code) = code {
            fault = fault.code(code);
        }
        self.inject(&fault);
    }

    /// Installs a fault rule (replacing any for the same service and action).
    pub fn inject(&self, fault: &Fault) {
        assert!(
            self.embedded,
            "fault injection is a feature of the embedded emulator"
        );
        http(
            &self.endpoint,
            "POST",
            "/_emulator/faults",
            &fault.to_json().to_string(),
        );
    }

    /// Removes every pending fault rule.
    pub fn clear_faults(&self) {
        if self.embedded {
            http(&self.endpoint, "POST", "/_emulator/faults/reset", "");
        }
    }

    /// Answers a `rate` fraction (0 to 1) of all AWS calls with each service's throttling
    /// error (ThrottlingException, Throttling, RequestLimitExceeded), chosen by a random
    /// sequence seeded with `seed`. `throttle(0.0, 0)` turns it off.
    pub fn throttle(&self, rate: f64, seed: u64) {
        self.throttle_services(rate, seed, &[]);
    }

    /// As `throttle`, for the calls of these services only (all when empty).
    pub fn throttle_services(&self, rate: f64, seed: u64, services: &[&str]) {
        assert!(
            self.embedded,
            "throttling is a feature of the embedded emulator"
        );
        let mut spec = serde_json::json!({"rate": rate, "seed": seed});
        if !services.is_empty() {
            spec["services"] = serde_json::json!(services);
        }
        http(
            &self.endpoint,
            "POST",
            "/_emulator/throttle",
            &spec.to_string(),
        );
    }

    /// How many calls in the request log (since the last `reset_requests`) were throttled.
    /// Delays every AWS call by `ms` milliseconds (0: none), like AWS's own latency.
    pub fn delay(&self, ms: u64) {
        assert!(
            self.embedded,
            "call delays are a feature of the embedded emulator"
        );
        http(
            &self.endpoint,
            "POST",
            "/_emulator/delay",
            &serde_json::json!({ "ms": ms }).to_string(),
        );
    }

    /// Tunes the strict emulator's AWS contract (tests/emulator/README.md): how many real
    /// seconds an AWS minute of a deployment lasts ("minute_seconds"), each deployment step
    /// ("step_seconds"), and how long a new IAM role stays unassumable ("iam_delay_seconds").
    pub fn contract(&self, settings: serde_json::Value) {
        assert!(
            self.embedded,
            "this test tunes the emulator's time scaling and IAM delay, which only the project's \
             emulator has: run it without AWS_ENDPOINT_URL"
        );
        http(
            &self.endpoint,
            "POST",
            "/_emulator/contract",
            &settings.to_string(),
        );
    }

    /// Sets a CloudWatch alarm's state ("ALARM", "OK"), as its metric would.
    pub fn alarm_state(&self, name: &str, state: &str) {
        assert!(
            self.embedded,
            "setting an alarm's state by hand is a feature of the embedded emulator"
        );
        http(
            &self.endpoint,
            "POST",
            "/_emulator/alarms",
            &serde_json::json!({ "name": name, "state": state }).to_string(),
        );
    }

    pub fn throttled_count(&self) -> usize {
        self.injected_requests()
            .iter()
            .filter(|(kind, _)| kind == "throttle")
            .count()
    }

    /// The calls in the request log that got an injected answer, as ("fault" or "throttle",
    /// "service:Action:Code").
    pub fn injected_requests(&self) -> Vec<(String, String)> {
        assert!(
            self.embedded,
            "the request log is a feature of the embedded emulator"
        );
        let body = http(&self.endpoint, "GET", "/_emulator/requests", "");
        let list: Vec<serde_json::Value> = serde_json::from_str(&body).expect("request log JSON");
        list.iter()
            .filter_map(|r| {
                let kind = r["injected"].as_str()?;
                Some((
                    kind.to_owned(),
                    format!(
                        "{}:{}:{}",
                        r["service"].as_str().unwrap_or(""),
                        r["action"].as_str().unwrap_or(""),
                        r["code"].as_str().unwrap_or("")
                    ),
                ))
            })
            .collect()
    }
}

/// A fault rule for `Emulator::inject`: the next `times` (default 1) calls of an action fail,
/// after `after` matching calls went through, with an error in the protocol's own shape.
#[derive(Debug, Clone)]
pub struct Fault {
    action: String,
    service: Option<String>,
    times: u32,
    after: u32,
    code: Option<String>,
    message: Option<String>,
    status: Option<u16>,
    applied: bool,
}

impl Fault {
    pub fn new(action: &str) -> Fault {
        Fault {
            action: action.to_owned(),
            service: None,
            times: 1,
            after: 0,
            code: None,
            message: None,
            status: None,
            applied: false,
        }
    }

    /// Only this service's calls of the action (the SigV4 credential scope's name).
    pub fn service(mut self, service: &str) -> Fault {
        self.service = Some(service.to_owned());
        self
    }

    pub fn times(mut self, times: u32) -> Fault {
        self.times = times;
        self
    }

    /// Lets the first `after` matching calls through.
    pub fn after(mut self, after: u32) -> Fault {
        self.after = after;
        self
    }

    /// The error code (default InternalFailure, HTTP 500).
    pub fn code(mut self, code: &str) -> Fault {
        self.code = Some(code.to_owned());
        self
    }

    pub fn message(mut self, message: &str) -> Fault {
        self.message = Some(message.to_owned());
        self
    }

    /// The HTTP status (default: the one AWS gives the code).
    pub fn status(mut self, status: u16) -> Fault {
        self.status = Some(status);
        self
    }

    /// The call takes effect and only its answer is the error (a response lost after the work
    /// was done), so a retry meets what the first attempt created.
    pub fn applied(mut self) -> Fault {
        self.applied = true;
        self
    }

    fn to_json(&self) -> serde_json::Value {
        let mut spec = serde_json::json!({
            "action": self.action,
            "times": self.times,
            "after": self.after,
            "applied": self.applied,
        });
        if let Some(service) = &self.service {
            spec["service"] = serde_json::json!(service);
        }
        if let Some(code) = &self.code {
            spec["code"] = serde_json::json!(code);
        }
        if let Some(message) = &self.message {
            spec["message"] = serde_json::json!(message);
        }
        if let Some(status) = self.status {
            spec["status"] = serde_json::json!(status);
        }
        spec
    }
}

impl Drop for Emulator {
    /// Stops the launcher; before that, a test that passed so far fails if the emulator saw a
    /// call no test may cause (see [`Emulator::violations`]): every test that drives the
    /// provider through the embedded emulator asserts it without a line of its own.
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let running = matches!(child.try_wait(), Ok(None));
        let violations = if running && !std::thread::panicking() {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.violations())).ok()
        } else {
            None
        };
        let _ = child.kill();
        let _ = child.wait();
        if let Some(violations) = violations
            && !violations.is_empty()
        {
            panic!(
                "the emulator answered calls no test may cause (a server error the test did not \
                 inject, an empty identifier, or a request AWS's API model refuses):\n  {}",
                violations.join("\n  ")
            );
        }
    }
}

/// A minimal HTTP/1.1 client for the emulator's control endpoints (loopback only).
pub fn http(endpoint: &str, method: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let addr = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the emulator");
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, rest) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "{method} {path}: {head}"
    );
    rest.to_owned()
}

/// A working directory with a CLI config that installs the provider under test.
pub struct Workdir {
    pub dir: tempfile::TempDir,
    cli_config: PathBuf,
    env: Vec<(String, String)>,
}

/// The outcome of one tofu command.
pub struct Run {
    pub output: Output,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// Both streams, for assertions about messages.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.success(),
            "tofu failed ({}):\n{}",
            self.code(),
            self.text()
        );
        self
    }
}

impl Workdir {
    pub fn new() -> Workdir {
        let dir = tempfile::tempdir().expect("tempdir");
        let cli_config = dir.path().join("tofu.tfrc");
        let provider_dir = provider_binary()
            .parent()
            .expect("binary dir")
            .to_path_buf();
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                provider_dir.display()
            ),
        )
        .expect("write CLI config");
        Workdir {
            dir,
            cli_config,
            env: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Also serves hashicorp/aws from the binary tools/install_aws_provider.sh built
    /// (AWS_PROVIDER_DIR), for the module acceptance tests.
    pub fn with_aws_provider(self) -> Self {
        let provider_dir = provider_binary()
            .parent()
            .expect("binary dir")
            .to_path_buf();
        std::fs::write(
            &self.cli_config,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = \"{}\"\n    \"hashicorp/aws\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                provider_dir.display(),
                required_env("AWS_PROVIDER_DIR"),
            ),
        )
        .expect("write CLI config");
        self
    }

    pub fn with_env(mut self, vars: Vec<(String, String)>) -> Self {
        self.env.extend(vars);
        self
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
    }

    pub fn write(&self, name: &str, content: &str) {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write file");
    }

    /// Copies every .tf file of an example into the working directory.
    pub fn copy_example(&self, example: &str) {
        let src = repo_root().join("examples").join(example);
        for entry in std::fs::read_dir(&src).expect("example dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "tf") {
                std::fs::copy(&path, self.path().join(path.file_name().expect("name")))
                    .expect("copy");
            }
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with(&tofu_path(), args)
    }

    /// A command for another host binary (Terraform) with the same environment.
    pub fn command_with(&self, binary: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(binary);
        cmd.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_REATTACH_PROVIDERS")
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn tofu(&self, args: &[&str]) -> Run {
        self.run(self.command(args))
    }

    pub fn run(&self, mut cmd: Command) -> Run {
        let start = Instant::now();
        let output = cmd.output().expect("run tofu");
        let elapsed = start.elapsed();
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            output,
            elapsed,
        }
    }
}

/// The prerequisites a service needs (network, ALB listeners, cluster, namespace), created
/// through the AWS API by tests/emulator/fixtures.py.
pub struct Fixtures {
    pub json: serde_json::Value,
}

impl Fixtures {
    pub fn create(emulator: &Emulator, prefix: &str) -> Fixtures {
        let python = required_env("MOTO_PYTHON");
        let out = Command::new(python)
            .arg(repo_root().join("tests/emulator/fixtures.py"))
            .args(["create", prefix])
            .envs(emulator.aws_env())
            .stdin(Stdio::null())
            .output()
            .expect("run fixtures.py");
        assert!(
            out.status.success(),
            "fixtures.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Fixtures {
            json: serde_json::from_slice(&out.stdout).expect("fixtures JSON"),
        }
    }

    pub fn get(&self, key: &str) -> String {
        self.json[key].as_str().unwrap_or_default().to_owned()
    }

    /// `terraform.tfvars` for examples/codedeploy (and every example behind the ALB).
    pub fn tfvars(&self) -> String {
        self.tfvars_behind("")
    }

    /// `terraform.tfvars` for examples/nlb-canary: the listeners are the NLB's.
    pub fn nlb_tfvars(&self) -> String {
        self.tfvars_behind("nlb_")
    }

    fn tfvars_behind(&self, listeners: &str) -> String {
        let mut out = String::new();
        for (k, from) in [
            ("cluster", "cluster".to_owned()),
            ("vpc_id", "vpc_id".to_owned()),
            (
                "production_listener_arn",
                format!("{listeners}production_listener_arn"),
            ),
            ("test_listener_arn", format!("{listeners}test_listener_arn")),
            ("namespace_id", "namespace_id".to_owned()),
        ] {
            out.push_str(&format!("{k} = \"{}\"\n", self.get(&from)));
        }
        for k in ["private_subnet_ids", "security_group_ids"] {
            out.push_str(&format!("{k} = {}\n", self.json[k]));
        }
        out
    }
}

/// SDK clients against the test's endpoint, for assertions through the AWS APIs.
pub struct Aws {
    pub runtime: tokio::runtime::Runtime,
    pub clients: fargate_provider::aws::clients::Clients,
    /// EC2 (the network the fixtures made), which the provider's clients leave to its lookups.
    pub ec2: aws_sdk_ec2::Client,
}

impl Aws {
    pub fn new(emulator: &Emulator) -> Aws {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&emulator.endpoint);
        if emulator.embedded {
            loader = loader
                .region(aws_types::region::Region::new("us-east-1"))
                .credentials_provider(aws_credential_types::Credentials::new(
                    "test", "test", None, None, "tests",
                ));
        }
        let sdk = runtime.block_on(loader.load());
        let clients = fargate_provider::aws::clients::Clients::new(&sdk, &Default::default());
        let ec2 = aws_sdk_ec2::Client::new(&sdk);
        Aws {
            runtime,
            clients,
            ec2,
        }
    }

    pub fn run<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// An alarm managed outside the service that its deployments watch (`alarms.names`): the
    /// age of the oldest message in a queue. Its metric plays no part; the emulator's alarm
    /// state decides.
    pub fn put_external_alarm(&self, name: &str) {
        self.run(async {
            self.clients
                .cloudwatch
                .put_metric_alarm()
                .alarm_name(name)
                .namespace("AWS/SQS")
                .metric_name("ApproximateAgeOfOldestMessage")
                .dimensions(
                    aws_sdk_cloudwatch::types::Dimension::builder()
                        .name("QueueName")
                        .value("checkout-orders")
                        .build(),
                )
                .statistic(aws_sdk_cloudwatch::types::Statistic::Maximum)
                .period(60)
                .evaluation_periods(3)
                .threshold(300.0)
                .comparison_operator(
                    aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold,
                )
                .send()
                .await
                .expect("PutMetricAlarm")
        });
    }

    pub fn delete_external_alarm(&self, name: &str) {
        self.run(async {
            self.clients
                .cloudwatch
                .delete_alarms()
                .alarm_names(name)
                .send()
                .await
                .expect("DeleteAlarms")
        });
    }
}

/// A worker's queue alarm (`Aws::put_external_alarm`).
pub const QUEUE_ALARM: &str = "checkout-orders-age";
