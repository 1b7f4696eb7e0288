"""Drives Debian's python3-mygpoclient against an Earshot server, in ONE client (one cookie jar).

Run with /usr/bin/python3 (pyenv's python cannot see Debian's modules):
    /usr/bin/python3 mygpo_session.py '<json args>'
args: {"base": "http://127.0.0.1:PORT", "user": "...", "password": "...", "steps": [...]}
Each step is {"op": ..., ...}; the result of every step is printed as one JSON document on stdout.
A step that raises is reported as {"error": "<ExceptionClass>: message"} and the run goes on.
"""
import json
import sys

from mygpoclient import api, public


def action_dict(a):
    d = {"podcast": a.podcast, "episode": a.episode, "action": a.action}
    for key in ("device", "timestamp", "started", "position", "total"):
        value = getattr(a, key, None)
        if value is not None:
            d[key] = value
    return d


def run(args):
    client = api.MygPodderClient(args["user"], args["password"], args["base"])
    results = []
    for step in args["steps"]:
        op = step["op"]
        try:
            if op == "update_device":
                r = client.update_device_settings(step["device"], caption=step.get("caption"), type=step.get("type"))
            elif op == "devices":
                r = [{"id": d.device_id, "caption": d.caption, "type": d.type, "subscriptions": d.subscriptions}
                     for d in client.get_devices()]
            elif op == "update_subscriptions":
                u = client.update_subscriptions(step["device"], step.get("add", []), step.get("remove", []))
                r = {"update_urls": [list(p) for p in u.update_urls], "since": u.since}
            elif op == "pull_subscriptions":
                c = client.pull_subscriptions(step["device"], step.get("since", 0))
                r = {"add": c.add, "remove": c.remove, "since": c.since}
            elif op == "put_subscriptions":
                r = client.put_subscriptions(step["device"], step["urls"])
            elif op == "get_subscriptions":
                r = client.get_subscriptions(step["device"])
            elif op == "upload_actions":
                actions = [api.EpisodeAction(a["podcast"], a["episode"], a["action"], device=a.get("device"),
                                             timestamp=a.get("timestamp"), started=a.get("started"),
                                             position=a.get("position"), total=a.get("total"))
                           for a in step["actions"]]
                r = client.upload_episode_actions(actions)
            elif op == "download_actions":
                c = client.download_episode_actions(since=step.get("since", 0), podcast=step.get("podcast"),
                                                    device_id=step.get("device"))
                r = {"actions": [action_dict(a) for a in c.actions], "since": c.since}
            elif op == "settings":
                r = client.set_settings(step["scope"], step.get("p1"), step.get("p2"), step.get("set", {}),
                                        step.get("remove", []))
            elif op == "get_settings":
                r = client.get_settings(step["scope"], step.get("p1"), step.get("p2"))
            elif op == "suggestions":
                r = [p.url for p in client.get_suggestions(step.get("count", 10))]
            elif op == "toplist":
                r = [p.url for p in public.PublicClient(args["base"]).get_toplist(step.get("count", 10))]
            elif op == "search":
                r = [p.url for p in public.PublicClient(args["base"]).search_podcasts(step["q"])]
            else:
                raise ValueError("unknown op " + op)
            results.append({"op": op, "result": r})
        except Exception as e:  # noqa: BLE001 - every failure is reported to the test, which asserts on it
            results.append({"op": op, "error": "%s: %s" % (type(e).__name__, e)})
    return results


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
