import gzip
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from archive import archive
from blocs.models import Bloc, Term


class Command(BaseCommand):
    help = (
        "Xuất trọn một năm thi đua của một khối (thành viên, giao ước, chấm điểm, bình xét, văn bản, "
        "nhật ký và các tệp) ra một tệp lưu trữ JSON có phiên bản, để phục hồi bằng import_term."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="Tệp ghi ra: .json, hoặc .json.gz để nén.")
        parser.add_argument("--term", type=int, help="Mã năm thi đua (số trong địa chỉ /terms/<mã>/).")
        parser.add_argument("--bloc", help="Tên hoặc tên gọn của khối thi đua (dùng cùng --year).")
        parser.add_argument("--year", type=int, help="Năm thi đua (dùng cùng --bloc).")

    def handle(self, *args, output: str, term: int | None, bloc: str | None, year: int | None, **options):
        found = find_term(term=term, bloc=bloc, year=year)
        try:
            data = archive.export_term(found)
        except archive.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        content = archive.dumps(data).encode("utf-8")
        if output.endswith(".gz"):
            content = gzip.compress(content)
        path = Path(output)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(content)  # a file cut short by a full disk is never taken for an archive
        os.replace(partial, path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã xuất {found}: {len(data['objects'])} bản ghi, {len(data['files'])} tệp → {path}"
            )
        )


def find_term(*, term: int | None, bloc: str | None, year: int | None) -> Term:
    if term is not None:
        found = Term.objects.select_related("bloc").filter(pk=term).first()
        if found is None:
            raise CommandError(f"Không có năm thi đua mã {term}.")
        return found
    if not bloc or year is None:
        raise CommandError("Cho biết năm thi đua: --term <mã>, hoặc --bloc <tên khối> --year <năm>.")
    blocs = list(Bloc.objects.filter(Q(name=bloc) | Q(short_name=bloc))[:2])
    if len(blocs) != 1:
        raise CommandError(f"Không xác định được khối thi đua “{bloc}” (không có, hoặc trùng tên gọn).")
    found = Term.objects.select_related("bloc").filter(bloc=blocs[0], year=year).first()
    if found is None:
        raise CommandError(f"{blocs[0]} không có năm thi đua {year}.")
    return found
