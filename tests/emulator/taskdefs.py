"""The strict emulator's rules for RegisterTaskDefinition of a Fargate task with more than one
container (README.md, rule 11): container dependencies, the capabilities Fargate adds, EFS
volumes that need transit encryption and FireLens routing. moto 5.2.5 stores any container
definitions as given; AWS refuses these with ClientException. Imported by launcher.py after
native.py; `install()` wraps the response handler.
"""

from moto.ecs.exceptions import EcsClientException
from moto.ecs.responses import EC2ContainerServiceResponse

# The one capability a Fargate container may add (API_KernelCapabilities).
FARGATE_ADDABLE = "SYS_PTRACE"


def check(definition):
    """ClientException for the first rule a RegisterTaskDefinition request breaks."""
    containers = definition.get("containerDefinitions") or []
    fargate = "FARGATE" in (definition.get("requiresCompatibilities") or [])
    by_name = {c.get("name"): c for c in containers}
    for c in containers:
        for dependency in c.get("dependsOn") or []:
            target = by_name.get(dependency.get("containerName"))
            if target is None:
                # Quoted (dagster-io/dagster #6926, eagletmt/hako #99), AWS's odd " + " included.
                raise EcsClientException(
                    f"Cannot depend on container + '{dependency.get('containerName')}' because it does not exist"
                )
            if dependency.get("condition") in ("COMPLETE", "SUCCESS") and target.get("essential", True):
                # Quoted (boto/boto3 #2436, compose-x/ecs_composex #302).
                raise EcsClientException(
                    "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container"
                )
        added = ((c.get("linuxParameters") or {}).get("capabilities") or {}).get("add") or []
        if fargate and any(cap != FARGATE_ADDABLE for cap in added):
            # Modelled on API_KernelCapabilities: "Tasks launched on Fargate only support
            # adding the SYS_PTRACE kernel capability."
            raise EcsClientException(
                f"Tasks using the Fargate launch type support adding only the {FARGATE_ADDABLE} capability."
            )
    routers = [c for c in containers if c.get("firelensConfiguration")]
    if len(routers) > 1:
        # Modelled: a task has one log router (FireLens documentation).
        raise EcsClientException("A task definition can have only one container with a firelensConfiguration.")
    for c in containers:
        driver = (c.get("logConfiguration") or {}).get("logDriver")
        if driver == "awsfirelens" and not routers:
            # Modelled: awsfirelens sends to the task's router (FireLens documentation).
            raise EcsClientException(
                f"Container {c.get('name')} uses the awsfirelens log driver, but no container has a firelensConfiguration."
            )
    for volume in definition.get("volumes") or []:
        efs = volume.get("efsVolumeConfiguration")
        if not efs:
            continue
        auth = efs.get("authorizationConfig") or {}
        needs_tls = auth.get("iam") == "ENABLED" or auth.get("accessPointId")
        if needs_tls and efs.get("transitEncryption") != "ENABLED":
            # Modelled on API_EFSAuthorizationConfig: with an access point or IAM
            # authorization "transit encryption must be on".
            raise EcsClientException(
                f"Volume {volume.get('name')}: transit encryption must be enabled to use IAM authorization or an access point."
            )
        if auth.get("accessPointId") and efs.get("rootDirectory") not in (None, "", "/"):
            # Modelled on API_EFSVolumeConfiguration: with an access point the root directory
            # "must either be omitted or set to /".
            raise EcsClientException(
                f"Volume {volume.get('name')}: the root directory must be omitted or / when an access point is used."
            )


_original_register = EC2ContainerServiceResponse.register_task_definition


def _register_task_definition(self):
    check(self._get_params() or {})
    return _original_register(self)


def install():
    EC2ContainerServiceResponse.register_task_definition = _register_task_definition


install()
