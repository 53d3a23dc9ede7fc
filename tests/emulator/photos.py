"""sendPhoto: a photo uploaded (multipart) or named by a file_id Telegram gave before, with an
HTML caption and inline buttons. Uploads must be PNG, GIF or JPEG (their size is read, as
Telegram's IMAGE_PROCESS_FAILED refuses anything else); one PhotoSize is returned (no thumbnails).
Registered on import (tests/emulator/__init__.py)."""

from __future__ import annotations

from .api import Context, api_method, caption_content, image_size, input_file, post_bot_message
from .world import StoredFile, bad_request


@api_method("sendPhoto")
def send_photo(ctx: Context) -> dict:
    chat = ctx.world.writable_chat(ctx.bot, ctx.params.chat_id())
    upload = ctx.params.uploads.get("photo")
    if upload is not None:
        size = image_size(upload.data) if upload.data else None
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        stored = ctx.world.store_file("photo", upload.data, None, "image/jpeg", *size)
    else:
        stored = input_file(ctx, "photo", "photo")
    content = {"photo": photo_sizes(stored), **caption_content(ctx, ctx.params.text("caption"))}
    return post_bot_message(ctx, chat, content, ctx.params.text("caption"), ctx.params.text("parse_mode"))


def photo_sizes(stored: StoredFile) -> list[dict]:
    return [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
             "file_size": stored.size, "width": stored.width, "height": stored.height}]
