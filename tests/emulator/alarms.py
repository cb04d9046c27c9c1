"""CloudWatch metric alarms as deployments read them. moto evaluates no metrics, so an alarm's
state is whatever SetAlarmState (or POST /_emulator/alarms) last set, and stays until changed.

Two corrections to moto 5.2.5 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html:
"When this operation creates an alarm, the alarm state is immediately set to INSUFFICIENT_DATA"
and "When you update an existing alarm, its state is left unchanged"):

- a new alarm starts INSUFFICIENT_DATA ("Unchecked: Initial alarm creation"), not OK;
- PutMetricAlarm on an existing alarm keeps its state, reason and history.

`state(account, region, name)` is what CodeDeploy and ECS deployments poll: the state, or None
when the alarm does not exist.
"""

from moto.cloudwatch.models import CloudWatchBackend, cloudwatch_backends
from moto.core.utils import utcnow

STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")

_original_put_metric_alarm = CloudWatchBackend.put_metric_alarm


def _put_metric_alarm(self, name, *args, **kwargs):
    previous = self.alarms.get(name)
    alarm = _original_put_metric_alarm(self, name, *args, **kwargs)
    if previous is not None and previous is not alarm:
        alarm.state_value = previous.state_value
        alarm.state_reason = previous.state_reason
        alarm.state_reason_data = previous.state_reason_data
        alarm.state_updated_timestamp = previous.state_updated_timestamp
        alarm.history = previous.history
    elif previous is None:
        alarm.state_value = "INSUFFICIENT_DATA"
        alarm.state_reason = "Unchecked: Initial alarm creation"
        alarm.state_reason_data = "{}"
        alarm.state_updated_timestamp = utcnow()
    return alarm


def state(account, region, name):
    """The alarm's state value, or None if it does not exist."""
    alarm = cloudwatch_backends[account][region].alarms.get(name)
    return alarm.state_value if alarm is not None else None


def set_state(name, value, reason=None, account="123456789012", region=None):
    """Sets an alarm's state as SetAlarmState does (POST /_emulator/alarms). Looks the alarm up in
    `region`, or in every region that has alarms; raises KeyError if none has it, ValueError for
    a state that is not OK, ALARM or INSUFFICIENT_DATA."""
    if value not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, got {value!r}")
    backends = cloudwatch_backends[account]
    regions = [region] if region else list(backends.keys())
    for name_of_region in regions:
        backend = backends[name_of_region]
        alarm = backend.alarms.get(name)
        if alarm is not None:
            alarm.update_state(
                reason or f"Set to {value} by the emulator's control endpoint.", "{}", value
            )
            return {"name": name, "region": name_of_region, "state": value}
    raise KeyError(name)


def install():
    CloudWatchBackend.put_metric_alarm = _put_metric_alarm


install()
