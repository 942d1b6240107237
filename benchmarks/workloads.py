"""The benchmarks' yunnan workloads: a unit with a year of daily posts, and small records."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any


def year_of_daily_posts() -> dict[str, Any]:
    """Return a county department whose WeChat account posted every day of 2024."""
    posts: list[dict[str, Any]] = []
    first = dt.date(2024, 1, 1)
    for i in range((dt.date(2024, 12, 31) - first).days + 1):
        post: dict[str, Any] = {"date": (first + dt.timedelta(days=i)).isoformat()}
        if i % 7 == 0:
            post["original"] = True
        elif i % 10 == 3:
            post["repost"] = True
            post["source"] = "新华社"
        posts.append(post)
    return {
        "period": {"start": "2024-01-01", "end": "2024-12-31"},
        "unit": {"name": "某县市场监督管理局", "kind": "department", "level": "county"},
        "accounts": [
            {
                "id": "wx",
                "name": "某县市场监管",
                "platform": "wechat",
                "platform_approved": True,
                "opened_by": "unit",
                "purpose": "regular",
                "opened_on": "2020-01-01",
                "collective_decision": True,
                "leader_approved": True,
                "name_mentions_region": True,
                "name_approved": True,
                "events": [{"type": "open", "date": "2020-01-01", "filed_on": "2020-01-08"}],
                "posts": posts,
                "news_service": False,
                "server_region": "same_province",
                "foreign_hosting": False,
                "local_data_service": True,
                "commercial_activity": False,
                "bought_followers": False,
                "auto_login": False,
                "mobile_vpn": True,
                "staff_trained": True,
            }
        ],
    }


PLATFORMS = ("wechat", "weibo", "douyin", "toutiao")


def small_records(n: int) -> list[dict[str, Any]]:
    """Return ``n`` one-account records opened across 2023–2024, filed 0–16 days later."""
    first = dt.date(2023, 1, 1)
    days = (dt.date(2024, 12, 31) - first).days + 1
    records = []
    for i in range(n):
        # A multiplier coprime to 731 walks every day of the two years in a scrambled order;
        # filing 0–16 calendar days later makes roughly a third of the records late.
        opened = first + dt.timedelta(days=(i * 337) % days)
        filed = opened + dt.timedelta(days=i % 17)
        records.append(
            {
                "accounts": [
                    {
                        "id": f"acct-{i}",
                        "platform": PLATFORMS[i % len(PLATFORMS)],
                        "events": [
                            {
                                "type": "open",
                                "date": opened.isoformat(),
                                "filed_on": filed.isoformat(),
                            }
                        ],
                    }
                ]
            }
        )
    return records


def unit_files(folder: str, units: int, files: int = 8) -> list[str]:
    """Write ``units`` copies of the year-of-posts unit to JSON-lines files, as a cluster
    would read them from storage; return the files' paths."""
    line = json.dumps(year_of_daily_posts(), ensure_ascii=False)
    paths = [os.path.join(folder, f"units-{k}.jsonl") for k in range(files)]
    for k, path in enumerate(paths):
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(line + "\n" for _ in range(k, units, files))
    return paths
