//! The `terraform-provider-fargate` binary: what OpenTofu/Terraform runs (serve), plus
//! developer commands.

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
    /// Write the resource's reference documentation (markdown).
    Docs {
        /// File to write; standard output when absent.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
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
        Command::Docs { out } => {
            let text = fargate_provider::fargate::docs::resource_markdown();
            match out {
                Some(path) => match std::fs::write(&path, text) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("cannot write {}: {e}", path.display());
                        ExitCode::FAILURE
                    }
                },
                None => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
            }
        }
    }
}

fn serve(debug: bool, provider_address: String) -> ExitCode {
    if !debug && std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!("{NOT_A_PLUGIN_MESSAGE}");
        return ExitCode::FAILURE;
    }
    plugin::init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
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
