"""The Teams channel: `POST /api/messages`, and the bot that turns Teams activities into
channel-neutral `Incoming` messages and the conversation's `Reply` back into Teams messages.

`setup(app, settings, conversation)` adds the route and leaves on the app what proactive
sends need later: the adapter (`TEAMS_ADAPTER`), the bot (`TEAMS_BOT`) and the app id
(`TEAMS_APP_ID`, empty when authentication is off). A message has the bot's @mention
removed; a pressed "Se også" button (an Action.Submit message, or an `adaptiveCard/action`
invoke) asks the question it carries. How a reply looks in Teams is `bot.teams.render`;
how it is sent unasked, `bot.teams.proactive`.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot.cards import submitted_question
from bot.settings import Settings
from bot.teams.adapter import BotAuthConfig, TeamsAdapter
from bot.teams import compose as teams_search
from bot.teams.guard import local_refusal
from bot.teams.proactive import TeamsSender
# What a reply looks like in Teams and what fits one message (`bot.teams.render`); named
# here too, as the Teams channel's own.
from bot.teams.render import (  # noqa: F401
    CARD_VERSION,
    ENVELOPE_BYTES,
    MAX_ACTIVITY_BYTES,
    activity_size,
    fits,
    keep_lines,
    markdown_activity,
    reply_activities,
    reply_activity,
)
from handlers import feedback, texts
from handlers.channels import Channel, Channels
from handlers.conversation import Answers
from handlers.messages import Incoming

log = logging.getLogger(__name__)

CHANNEL = "msteams"
_OTHER_MENTION = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)


class BeslutningsBot(ActivityHandler):
    """Answers Teams messages, card buttons and Universal Actions through one `Conversation`."""

    def __init__(self, conversation: Answers) -> None:
        self.conversation = conversation

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        rated = feedback.submitted(activity.value)
        if rated is not None:
            await self._rate(turn_context, rated)
            return
        text = submitted_question(activity.value) or without_bot_mention(activity)
        await self._answer(turn_context, text)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        activity = turn_context.activity
        if activity.name == teams_search.QUERY_INVOKE:
            # The compose box's search: the answer is the invoke's body, nothing is posted.
            body = await teams_search.query_response(self.conversation, activity.value)
            return InvokeResponse(status=int(HTTPStatus.OK), body=body)
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        rated = feedback.submitted(_action_data(activity.value))
        if rated is not None:
            await self._rate(turn_context, rated)
            return _universal_action_response(HTTPStatus.OK, texts.FEEDBACK_THANKS)
        question = submitted_question(_action_data(activity.value))
        if question is None:
            return _universal_action_response(HTTPStatus.BAD_REQUEST, texts.CARD_ACTION_UNKNOWN)
        await self._answer(turn_context, question)
        return _universal_action_response(HTTPStatus.OK, texts.CARD_ACTION_ANSWERED)

    async def on_members_added_activity(self, members_added: list[ChannelAccount],
                                        turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        # Only when the bot itself joins (installed in a chat or team), not for every new member.
        if bot_id and any(member.id == bot_id for member in members_added):
            await turn_context.send_activity(markdown_activity(self.conversation.welcome()))

    async def _rate(self, turn_context: TurnContext, rated: dict) -> None:
        """A pressed "Rigtigt svar" / "Forkert svar": stored, and a short thanks."""
        reply = await self.conversation.feedback(incoming(turn_context.activity, ""), rated)
        await turn_context.send_activity(markdown_activity(reply.markdown))

    async def _answer(self, turn_context: TurnContext, text: str) -> None:
        conversation = turn_context.activity.conversation
        # In a team channel the conversation id names the thread (";messageid=…"); Teams
        # clients dropped the reply that followed a typing indicator sent there. Channels get
        # no indicator; chats do.
        if conversation is None or conversation.conversation_type != "channel":
            try:
                await turn_context.send_activity(Activity(type=ActivityTypes.typing))
            except Exception as error:
                # The indicator is a courtesy; failing to show it must not cost the answer.
                log.warning("Teams typing indicator not sent (%s)", type(error).__name__)
        reply = await self.conversation.handle(incoming(turn_context.activity, text))
        # Teams shows suggested actions in personal chats only; elsewhere they are card buttons.
        personal = conversation is not None and conversation.conversation_type == "personal"
        await turn_context.send_activities(reply_activities(reply, suggest=personal))


def incoming(activity: Activity, text: str) -> Incoming:
    """The channel-neutral message for a Teams activity whose question is `text`."""
    sender = activity.from_property or ChannelAccount()
    conversation = activity.conversation
    reference = TurnContext.get_conversation_reference(activity).serialize()
    # A post in a team channel has ";messageid=…" in its conversation id; the channel itself
    # is the part before it, so subscriptions follow the channel and digests start new posts.
    channel_id = conversation.id.split(";messageid=")[0]
    reference.setdefault("conversation", {})["id"] = channel_id
    return Incoming(
        text=text,
        # The AAD object id is the same in every chat and is what admins are listed by; a
        # sender without one gets a prefixed id that can never equal an e-mail address.
        sender_id=sender.aad_object_id or f"teams:{sender.id or ''}",
        sender_name=sender.name or "",
        direct=conversation.conversation_type == "personal",
        channel=CHANNEL,
        conversation_id=channel_id,
        # Kept with a subscription: proactive sends need the full reference.
        address=reference,
    )


def without_bot_mention(activity: Activity) -> str:
    """The message text without the @mention of the bot; other mentions keep their name.

    botbuilder's `TurnContext.remove_recipient_mention` is not used: it treats the name as a
    regular expression and removes it anywhere in the text, not only as the mention.
    """
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or ():
        if (entity.type or "").lower() != "mention":
            continue
        mentioned_id, mention_text, name = _mention(entity)
        if bot_id and mentioned_id == bot_id:
            for form in (mention_text, f"<at>{name}</at>" if name else ""):
                if form:
                    text = text.replace(form, " ")
    return _OTHER_MENTION.sub(r"\1", text).strip()


def _mention(entity: Any) -> tuple[str | None, str, str]:
    # A `Mention` built in code has attributes; one read off the wire is a plain `Entity`
    # with the same fields in additional_properties.
    extra = getattr(entity, "additional_properties", None) or {}
    mentioned = getattr(entity, "mentioned", None) or extra.get("mentioned") or {}
    text = getattr(entity, "text", None) or extra.get("text") or ""
    if isinstance(mentioned, dict):
        return mentioned.get("id"), text, mentioned.get("name") or ""
    return mentioned.id, text, mentioned.name or ""


def _action_data(value: Any) -> Any:
    # An Action.Execute invoke carries {"action": {"type", "verb", "data"}, "trigger"}.
    if isinstance(value, dict) and isinstance(value.get("action"), dict):
        return value["action"].get("data")
    return None


def _universal_action_response(status: HTTPStatus, message: str) -> InvokeResponse:
    # Universal Actions want HTTP 200 with the outcome in the body; Teams shows `value`.
    if status == HTTPStatus.OK:
        body = {"statusCode": int(status), "type": "application/vnd.microsoft.activity.message", "value": message}
    else:
        body = {"statusCode": int(status), "type": "application/vnd.microsoft.error",
                "value": {"code": status.phrase.replace(" ", ""), "message": message}}
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


TEAMS_ADAPTER = web.AppKey("teams_adapter", TeamsAdapter)
TEAMS_BOT = web.AppKey("teams_bot", BeslutningsBot)
TEAMS_APP_ID = web.AppKey("teams_app_id", str)


def setup(app: web.Application, settings: Settings, conversation: Answers, channels: Channels) -> None:
    """Add `POST /api/messages` to `app`, keep the adapter, bot and app id on it, and
    register Teams in `channels`: what fits one message, and how to send one unasked."""
    config = BotAuthConfig.from_settings(settings)
    app[TEAMS_ADAPTER] = TeamsAdapter(config)
    app[TEAMS_BOT] = BeslutningsBot(conversation)
    app[TEAMS_APP_ID] = config.APP_ID
    channels.register(Channel(CHANNEL, fits, TeamsSender(app[TEAMS_ADAPTER], config.APP_ID).send))
    app.on_cleanup.append(_close_adapter)
    if not config.auth_enabled and settings.teams_noauth != "local":
        # Without an app id nothing proves who is calling; behind a reverse proxy on this
        # machine every caller looks local. So the route is not there at all.
        log.info("MicrosoftAppId is empty: /api/messages is not served (Teams off)")
        return
    if not config.auth_enabled:
        log.warning("MicrosoftAppId is empty and BESLUTNINGSBOT_TEAMS_NOAUTH=local: Teams requests are "
                    "not authenticated; only this machine may call, directly, with a local serviceUrl")
    app.router.add_post("/api/messages", messages)


async def _close_adapter(app: web.Application) -> None:
    # The adapter keeps its connections to the Bot Connector open between replies.
    await app[TEAMS_ADAPTER].close()


async def messages(request: web.Request) -> web.Response:
    adapter = request.app[TEAMS_ADAPTER]
    if not adapter.auth_enabled:
        # Unauthenticated Teams is for local tools (Agents Playground, Emulator) on this
        # machine only: anyone else could pose as an admin or make the bot post anywhere.
        refusal = local_refusal(request)
        if refusal is not None:
            log.warning("Teams request refused (403), MicrosoftAppId is empty: %s", refusal)
            return web.json_response({"error": "teams is local only"}, status=403)
    return await adapter.process(request, request.app[TEAMS_BOT])
