"""The one PNG metadata format every feature writes: the settings as JSON in one iTXt chunk `imogen`, plus the
A1111-style `parameters` text most image tools read (prompt, `Negative prompt: ...`, `Key: value, ...`).

`read_metadata` reads the JSON back, so "run again" works from any Imogen picture. What leaves the owner is
filtered on the way out (core.disclosure: the JSON loses its private keys, such as the job id)."""
import io
import json

from PIL import Image
from PIL.PngImagePlugin import PngInfo

KEYWORD = "imogen"


def parameters_text(prompt="", negative_prompt="", settings=None):
    """A1111's `parameters`: the prompt, the negative prompt, then `Key: value` pairs on one line."""
    lines = [prompt or ""]
    if negative_prompt:
        lines.append(f"Negative prompt: {negative_prompt}")
    if settings:
        lines.append(", ".join(f"{key}: {value}" for key, value in settings.items()))
    return "\n".join(lines)


def png_info(software, metadata, prompt="", negative_prompt="", settings=None):
    """PngInfo for `Creation.objects.create_from_image(..., pnginfo=...)`: Software, the JSON and `parameters`."""
    info = PngInfo()
    info.add_text("Software", software)
    info.add_itxt(KEYWORD, json.dumps(metadata, ensure_ascii=False, default=str))
    info.add_itxt("parameters", parameters_text(prompt, negative_prompt, settings))
    return info


def read_metadata(data):
    """The JSON metadata of an Imogen PNG (bytes, a file or a PIL image); {} when there is none."""
    image = data if isinstance(data, Image.Image) else Image.open(io.BytesIO(data) if isinstance(data, bytes) else data)
    try:
        value = json.loads(getattr(image, "text", {}).get(KEYWORD, "") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
