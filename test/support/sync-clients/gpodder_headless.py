"""Runs gPodder 3.11's own sync code (gpodder.my.MygPoClient) headless against an Earshot server.

    GPODDER_HOME=<tmp> GPODDER_DOWNLOAD_DIR=<tmp>/dl /usr/bin/python3 gpodder_headless.py '<json args>'
args: {"base", "user", "password", "device", "subscribe": [urls], "plays": [{"podcast","episode","start","end","total"}]}
Prints {"received_subscribe": [...], "received_unsubscribe": [...], "rewritten": [[old,new]], "actions": [...]}.
"""
import json
import sys

import gpodder

gpodder.prefix = "/usr"
from gpodder import config, my  # noqa: E402  (gpodder.prefix must be set first)


class Channel:
    def __init__(self, url):
        self.url = url


class Episode:
    def __init__(self, podcast, url):
        self.url = url
        self.channel = Channel(podcast)
        self.guid = url


def main(args):
    cfg = config.Config(gpodder.config_file)
    m = cfg.mygpo
    m.server = args["base"]
    m.username = args["user"]
    m.password = args["password"]
    m.device.uid = args["device"]
    m.device.caption = "gPodder headless"
    m.enabled = True
    client = my.MygPoClient(cfg)
    client.create_device()
    if args.get("subscribe"):
        client.on_subscribe(args["subscribe"])
    for p in args.get("plays", []):
        client.on_playback_full(Episode(p["podcast"], p["episode"]), p["start"], p["end"], p["total"])
    client._worker_proc(forced=True)
    received = client._store.load(my.ReceivedSubscribeAction)
    since = client._store.get(my.SinceValue, host=client.host, device_id=client.device_id, category=my.SinceValue.EPISODES)
    out = {
        "received_subscribe": [a.url for a in received if a.is_add],
        "received_unsubscribe": [a.url for a in received if a.is_remove],
        "rewritten": [[r.old_url, r.new_url] for r in client.get_rewritten_urls()],
        # Still queued after the sync: a failed upload leaves them here.
        "pending_subscriptions": len(client._store.load(my.SubscribeAction)),
        "pending_episode_actions": len(client._store.load(my.EpisodeAction)),
        # What gPodder received from the server and would apply to its own database.
        "received_episode_actions": [
            {"podcast": a.podcast_url, "episode": a.episode_url, "action": a.action, "position": a.position}
            for a in client._store.load(my.ReceivedEpisodeAction)
        ],
        "episodes_since": since.since if since is not None else None,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
