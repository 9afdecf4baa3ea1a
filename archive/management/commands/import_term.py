from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive import archive


class Command(BaseCommand):
    help = (
        "Phục hồi một năm thi đua từ tệp do export_term xuất ra, vào một cơ sở dữ liệu mới, trống "
        "(sau “manage.py migrate”). Các tài khoản được phục hồi không có mật khẩu: phải đặt lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp lưu trữ (.json hoặc .json.gz).")

    def handle(self, *args, path: str, **options):
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp “{path}”: {exc.strerror or exc}.") from exc
        try:
            term = archive.import_archive(archive.loads(raw))
        except archive.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        members = term.memberships.count()
        self.stdout.write(self.style.SUCCESS(f"Đã phục hồi {term} ({members} thành viên)."))
        self.stdout.write(
            "Các tài khoản được phục hồi chưa có mật khẩu: đặt lại bằng “manage.py changepassword "
            "<tên đăng nhập>” hoặc trang quản lý tài khoản của Ban Thi đua – Khen thưởng."
        )
