"""The operator's tools, apart from the running bot: benches, the load test, stand-ins
for the Bot Connector, the Webex API and an agenda portal, the Teams package builder, the
Webex webhook registration, the synthetic archive and the question-set evaluation.

Imports run one way: tools -> bot -> handlers -> knowledge. The command line reaches the
tools' subcommands through the `beslutningsbot.commands` entry point (`tools.commands`),
so the bot never imports its tools."""
