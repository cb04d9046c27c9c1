//! The `terraform-provider-fargate` binary: what OpenTofu/Terraform runs (serve), plus
//! developer commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use fargate_provider::fargate::FargateProvider;
use fargate_provider::plugin::{
    self, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, NOT_A_PLUGIN_MESSAGE, ServeOptions,
};
use fargate_provider::tfplugin::ProviderService;

/// The provider's registry address: the key of TF_REATTACH_PROVIDERS in debug mode.
const DEFAULT_PROVIDER_ADDRESS: &str = "registry.opentofu.org/terraform-provider-fargate/fargate";

#[derive(Parser)]
#[command(
    name = "terraform-provider-fargate",
    version,
    about = "OpenTofu/Terraform provider for production ECS Fargate services"
)]
struct Cli {
    /// Serve in debug (reattach) mode: plaintext, prints TF_REATTACH_PROVIDERS, runs until Ctrl-C.
    #[arg(long, global = true)]
    debug: bool,
    /// Provider address used as the TF_REATTACH_PROVIDERS key in debug mode.
    #[arg(long, default_value = DEFAULT_PROVIDER_ADDRESS, global = true)]
    provider_address: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the provider over the plugin protocol (what OpenTofu/Terraform run; the default).
    Serve,
    /// Print the version.
    Version,
    /// Write the reference documentation (markdown): with --dir, every page of the registry
    /// layout (index.md, resources/, functions/); else the resource's page.
    Docs {
        /// File to write the resource's page to; standard output when absent.
        #[arg(long, conflicts_with = "dir")]
        out: Option<std::path::PathBuf>,
        /// Directory to write the registry layout into (e.g. `docs`).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// Render Terraform modules (hashicorp/aws) from the resource's expansion.
    Generate {
        #[command(subcommand)]
        what: Generate,
    },
    /// Move services from the resource to the modules without recreating anything: reads a
    /// state (a state file or `tofu show -json` output; `-` for standard input) and writes the
    /// module calls, `import {}` blocks for every child and `removed {}` blocks.
    Eject {
        /// The state to read.
        #[arg(long, default_value = "terraform.tfstate")]
        state: PathBuf,
        /// Where the root module lives, as the module blocks' `source`.
        #[arg(long, default_value = "./modules/fargate-production-service")]
        source: String,
        /// File to write; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum Generate {
    /// Write the root module `fargate-production-service` and its submodules under `--out`.
    Modules {
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a call of the root module for one service, from a file written like the body of
    /// a `fargate_production_service` block. The production checks run on it first.
    Service {
        #[arg(long)]
        from: PathBuf,
        /// Where the root module lives, as the module block's `source`.
        #[arg(long, default_value = "./modules/fargate-production-service")]
        source: String,
        /// File to write; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Version => {
            println!("terraform-provider-fargate {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Serve => serve(cli.debug, cli.provider_address),
        Command::Docs {
            out: _,
            dir: Some(dir),
        } => {
            for (page, text) in fargate_provider::fargate::docs::registry_pages() {
                let path = dir.join(page);
                if let Some(parent) = path.parent()
                    && let Err(e) = std::fs::create_dir_all(parent)
                {
                    return fail(&format!("{}: {e}", parent.display()));
                }
                if let Err(e) = std::fs::write(&path, text) {
                    return fail(&format!("{}: {e}", path.display()));
                }
                eprintln!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Command::Docs { out, dir: None } => write_output(
            out.as_deref(),
            &fargate_provider::fargate::docs::resource_markdown(),
        ),
        Command::Generate {
            what: Generate::Modules { out },
        } => match fargate_provider::hcl::write_modules(&out) {
            Ok(files) => {
                eprintln!("wrote {} files under {}", files.len(), out.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
        Command::Generate {
            what: Generate::Service { from, source, out },
        } => generate_service(&from, &source, out.as_deref()),
        Command::Eject { state, source, out } => eject(&state, &source, out.as_deref()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("terraform-provider-fargate: {message}");
    ExitCode::FAILURE
}

fn write_output(out: Option<&Path>, text: &str) -> ExitCode {
    match out {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot write {}: {e}", path.display())),
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}

fn read_input(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn generate_service(from: &Path, source: &str, out: Option<&Path>) -> ExitCode {
    use fargate_provider::hcl::service_call;
    let text = match read_input(from) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let result = service_call::config_from_hcl(&text).and_then(|config| {
        let warnings = service_call::check(&config)?;
        Ok((service_call::module_call(&config, source)?, warnings))
    });
    match result {
        Ok((call, warnings)) => {
            for w in warnings {
                eprintln!("warning: {w}");
            }
            write_output(out, &call)
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn eject(state: &Path, source: &str, out: Option<&Path>) -> ExitCode {
    let text = match read_input(state) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => return fail(&format!("{} is not JSON: {e}", state.display())),
    };
    match fargate_provider::hcl::eject::eject(&json, source) {
        Ok(config) => write_output(out, &config),
        Err(e) => fail(&e.to_string()),
    }
}

fn serve(debug: bool, provider_address: String) -> ExitCode {
    if !debug && std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!("{NOT_A_PLUGIN_MESSAGE}");
        return ExitCode::FAILURE;
    }
    plugin::init_logging();
    // The AWS SDK's futures are large, and an apply nests many of them: 8 MiB per worker (the
    // main thread's size) instead of tokio's 2 MiB leaves room in unoptimised builds too.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let service = ProviderService::new(Arc::new(FargateProvider::new()));
    let options = ServeOptions {
        debug,
        provider_address,
    };
    match runtime.block_on(plugin::serve(service, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "provider stopped");
            eprintln!("terraform-provider-fargate: {e}");
            ExitCode::FAILURE
        }
    }
}
