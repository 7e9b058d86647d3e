"""Reading a pasted village WeChat group chat into draft requests, for a worker to review.

Copied chat text comes in a few shapes; each message becomes one draft (date, time, speaker, text):

    2026-11-20 09:15 张三：村口路灯坏了三天了          (one line: time, speaker, message)
    [2026/11/20 9:15:02] 张三: 村口路灯坏了
    张三 2026-11-20 09:15                            (a header line, the message on the lines below)
    村口路灯坏了三天了
    张三 09:15  /  张三：路灯坏了                       (no date: the last date seen, else the default)

Lines that do not start a message continue the one before. System lines (joined, recalled) and
messages with nothing to act on (stickers, pictures, "收到", "好的") are dropped.
"""

import re
from dataclasses import dataclass
from datetime import date, time

DATE = r"(?:(?P<y>\d{4})[-/.年])?(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?"
SPEAKER = r"(?P<who>[^\s:：\[\]]{1,20})"

# date time speaker: message    (optionally in brackets)
INLINE = re.compile(rf"^\[?(?:{DATE}\s+)?{TIME}\]?\s+{SPEAKER}\s*[:：]\s*(?P<text>.+)$")
# speaker date time   or   speaker time   (message below)
HEADER = re.compile(rf"^{SPEAKER}\s+(?:{DATE}\s+)?{TIME}$")
# speaker: message
BARE = re.compile(rf"^{SPEAKER}\s*[:：]\s*(?P<text>.+)$")
# a date alone, as WeChat prints between days
DAY = re.compile(rf"^[—\-\s]*{DATE}[—\-\s]*$")

SYSTEM = re.compile(r"(撤回了一条消息|加入了群聊|邀请.*加入|修改群名|拍了拍|移出了群聊|以上是打招呼的内容)")
NOTHING = re.compile(r"^(\[[^\]]{1,6}\]\s*)+$|^(收到|好的|好|嗯|谢谢|ok|OK|👍|\d{1,2})[。！!.]*$")


@dataclass
class Draft:
    received_on: date
    at: time | None
    speaker: str
    matter: str


def _date(match, fallback: date) -> date:
    if not match.group("m"):
        return fallback
    year = int(match.group("y")) if match.group("y") else fallback.year
    try:
        return date(year, int(match.group("m")), int(match.group("d")))
    except ValueError:
        return fallback


def _time(match) -> time | None:
    try:
        return time(int(match.group("H")), int(match.group("M")))
    except (ValueError, TypeError):
        return None


def parse(text: str, *, default_date: date) -> list[Draft]:
    messages: list[Draft] = []
    current: Draft | None = None
    day = default_date
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if SYSTEM.search(line):
            current = None
            continue
        if (m := DAY.match(line)) and not HEADER.match(line):
            day = _date(m, day)
            current = None
            continue
        if m := INLINE.match(line):
            day = _date(m, day)
            current = Draft(received_on=day, at=_time(m), speaker=m.group("who"), matter=m.group("text").strip())
            messages.append(current)
        elif m := HEADER.match(line):
            day = _date(m, day)
            current = Draft(received_on=day, at=_time(m), speaker=m.group("who"), matter="")
            messages.append(current)
        elif current is not None and current.matter == "":
            current.matter = line
        elif (m := BARE.match(line)) and not re.match(r"^https?$", m.group("who")):
            current = Draft(received_on=day, at=None, speaker=m.group("who"), matter=m.group("text").strip())
            messages.append(current)
        elif current is not None:
            current.matter = f"{current.matter}\n{line}"
    return [d for d in messages if d.matter.strip() and not NOTHING.match(d.matter.strip())]
