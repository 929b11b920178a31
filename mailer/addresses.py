"""One address, however it is written: limits count `Victim+anything@Example.com` as `victim@example.com`."""


def normalise_address(address):
    """Lowercase, and the local part without its +tag (most providers deliver name+tag@ to name@)."""
    address = (address or "").strip().lower()
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address
    return f"{local.split('+', 1)[0] or local}@{domain}"
