//! go-plugin's helper services: the controller the host calls to end the process, and the
//! stdio stream (we log to stderr, which the host reads directly, so the stream carries no
//! data; it stays open until shutdown so the host sees no error).

use std::pin::Pin;

use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::tfplugin::proto::plugin as pb;

/// Ends the process when the host calls `GRPCController.Shutdown`.
pub struct Controller {
    pub shutdown: CancellationToken,
}

#[tonic::async_trait]
impl pb::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<pb::Empty>) -> Result<Response<pb::Empty>, Status> {
        tracing::debug!("GRPCController.Shutdown: exiting");
        self.shutdown.cancel();
        Ok(Response::new(pb::Empty {}))
    }
}

pub struct Stdio {
    pub shutdown: CancellationToken,
}

type StdioStream = Pin<Box<dyn Stream<Item = Result<pb::StdioData, Status>> + Send>>;

#[tonic::async_trait]
impl pb::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = StdioStream;

    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        // Nothing is ever sent; the stream ends when the sender is dropped at shutdown.
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<pb::StdioData, Status>>(1);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            shutdown.cancelled().await;
            drop(sender);
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(receiver),
        )))
    }
}
