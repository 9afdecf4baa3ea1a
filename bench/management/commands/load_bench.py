import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import data as bench_data


class Command(BaseCommand):
    help = (
        "Nạp tỉnh lớn để đo tải (mặc định 30 khối × 15 thành viên × 5 năm, 60 tiêu chí); "
        "bỏ qua khi đã nạp. Xem bench/README.md."
    )

    def add_arguments(self, parser):
        default = bench_data.Size()
        parser.add_argument("--small", action="store_true", help="2 khối × 4 thành viên × 2 năm, 8 tiêu chí")
        parser.add_argument("--blocs", type=int, default=default.blocs)
        parser.add_argument("--members", type=int, default=default.members)
        parser.add_argument("--years", type=int, default=default.years)
        parser.add_argument("--criteria", type=int, default=default.criteria)
        parser.add_argument(
            "--reuse-pdf",
            action="store_true",
            help="render one finalized agreement PDF and store its bytes for every other one (faster)",
        )
        parser.add_argument(
            "--personas",
            type=Path,
            help="write the bench accounts and page ids as JSON (bench/locustfile.py)",
        )

    def handle(self, *args, **options):
        if options["small"]:
            size = bench_data.SMALL
        else:
            size = bench_data.Size(
                blocs=options["blocs"], members=options["members"],
                years=options["years"], criteria=options["criteria"],
            )  # fmt: skip
        if size.blocs < 1 or size.members < 2 or size.years < 2 or size.criteria < 4:
            raise CommandError("Cần ít nhất 1 khối, 2 thành viên, 2 năm và 4 tiêu chí.")
        if bench_data.already_loaded(size):
            moved = bench_data.refresh_deadlines(size)
            self.stdout.write(f"Dữ liệu đo tải đã có sẵn; không nạp lại (dời hạn chấm của {moved} bảng).")
            summary = bench_data.personas(size)
        else:
            summary = bench_data.load(size, reuse_pdf=options["reuse_pdf"], progress=self.stdout.write)
            if connection.vendor == "postgresql":  # planner statistics for the new rows, before measuring
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu đo tải trong {summary.seconds:.0f} s."))
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<14} {count:>9,}")
        self.stdout.write(f"Mật khẩu chung của các tài khoản đo tải: {bench_data.BENCH_PASSWORD}")
        if options["personas"]:
            data = {
                "password": bench_data.BENCH_PASSWORD,
                "counts": summary.counts,
                "board": summary.board,
                "blocs": summary.blocs,
            }
            options["personas"].write_text(json.dumps(data, ensure_ascii=False, indent=1))
            self.stdout.write(f"Đã ghi {options['personas']}.")
