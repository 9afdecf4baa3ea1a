"""A double click never does a thing twice: two identical POSTs of one person create one record.

Every POST of a signed-in user is fingerprinted (the person, the address, every posted field and the
content of every uploaded file). The fingerprint is claimed as a unique row before the view runs, so
that of two identical requests racing on two workers only one claims it. The first is then done as
usual; when it ends in a redirect with no error message (the pages redirect after every successful
POST) the receipt keeps where it went, and an identical POST within DUPLICATE_SUBMIT_WINDOW seconds
is sent there too, with a note, instead of being done again. A request that did not succeed leaves
no receipt, so correcting and sending again always works. Two renders of a form carry two different
CSRF tokens, so a form sent again on purpose after the page reloaded is never taken for a double click.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from blocs.models import SubmitReceipt

ALREADY_DONE = "Yêu cầu này đã được gửi và xử lý (bấm nút hai lần); lần gửi sau được bỏ qua."
STILL_RUNNING = "Lần gửi trước của cùng biểu mẫu chưa xong. Hãy chờ vài giây rồi tải lại trang."
REDIRECTS = (301, 302, 303, 307, 308)
POLL_SECONDS = 0.05
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (str(request.user.pk), request.get_full_path()):
        digest.update(part.encode() + b"\0")
    if request.content_type not in FORM_TYPES:
        digest.update(request.body)
    for key in sorted(request.POST):
        for value in request.POST.getlist(key):
            digest.update(f"{key}={value}".encode("utf-8", "surrogatepass") + b"\0")
    for key in sorted(request.FILES):
        for upload in request.FILES.getlist(key):
            digest.update(f"{key}:{upload.name}:{upload.size}".encode("utf-8", "surrogatepass") + b"\0")
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _claim(key: str, user_id: int) -> bool:
    try:
        with transaction.atomic():
            SubmitReceipt.objects.create(key=key, user_id=user_id)
    except IntegrityError:
        return False
    return True


def _refused(request) -> bool:
    """Some views refuse with a redirect and an error message (a file of the wrong type): such a
    POST did nothing, so sending it again must be checked again, not answered as already done."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return any(message.level >= messages.ERROR for message in queued)


class DuplicateSubmitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not request.user.is_authenticated:
            return self.get_response(request)
        window = timedelta(seconds=settings.DUPLICATE_SUBMIT_WINDOW)
        SubmitReceipt.objects.filter(created_at__lt=timezone.now() - window).delete()
        key = fingerprint(request)
        deadline = time.monotonic() + settings.DUPLICATE_SUBMIT_WAIT
        while not _claim(key, request.user.pk):
            receipt = SubmitReceipt.objects.filter(key=key).values("location").first()
            if receipt and receipt["location"]:
                messages.info(request, ALREADY_DONE)
                return HttpResponseRedirect(receipt["location"])
            if receipt and time.monotonic() > deadline:
                return render(request, "409.html", {"message": STILL_RUNNING}, status=409)
            if receipt:
                time.sleep(POLL_SECONDS)  # the first is still running: wait for how it ends
        try:
            response = self.get_response(request)
        except BaseException:
            SubmitReceipt.objects.filter(key=key).delete()
            raise
        receipts = SubmitReceipt.objects.filter(key=key)
        if response.status_code in REDIRECTS and response.has_header("Location") and not _refused(request):
            receipts.update(location=response["Location"][:2000])
        else:
            receipts.delete()
        return response
