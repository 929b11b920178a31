"""Time of the built-in offline text-to-image engine (text2image/providers/offline.py) per picture."""

import argparse

from django_bench import footer, setup_django, timed

PROMPTS = ["노을 지는 바다", "night sky with aurora over snowy mountains", "city at night in the rain",
           "purple silk"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1920x1080,1080x2400,3840x2160", help="comma-separated WxH")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from text2image.providers.offline import render

    print(f"{'size':>11} | {'prompt':<44} | median | best")
    for size in args.sizes.split(","):
        width, height = map(int, size.split("x"))
        for prompt in PROMPTS:
            median, best = timed(args.repeat, render, prompt, "", width, height, 1)
            print(f"{size:>11} | {prompt:<44} | {median:5.2f} s | {best:5.2f} s")
    print(footer())


if __name__ == "__main__":
    main()
