"""The LRS settings in force, read from the application config in one place."""

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class LrsSettings:
    base_url: str
    actor_identifier: str  # mbox | mbox_sha1sum | account
    platform: str
    forward_endpoint: str | None
    forward_username: str | None
    forward_password: str | None

    @property
    def forwarding(self) -> bool:
        return bool(self.forward_endpoint)


def lrs_settings() -> LrsSettings:
    config = current_app.config
    return LrsSettings(
        base_url=config["BASE_URL"],
        actor_identifier=config["XAPI_ACTOR_IDENTIFIER"],
        platform=config["XAPI_PLATFORM"],
        forward_endpoint=config.get("LRS_FORWARD_ENDPOINT"),
        forward_username=config.get("LRS_FORWARD_USERNAME"),
        forward_password=config.get("LRS_FORWARD_PASSWORD"),
    )
