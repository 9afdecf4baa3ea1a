from django.core.management.base import BaseCommand

from demo.blocs import DEMO_PASSWORD
from demo.scoring import load_demo


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu (các khối thi đua 2018–2024) từ các bài viết nguồn; chạy lại nhiều lần vẫn an toàn."

    def handle(self, *args, **options):
        personas, created = load_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Đã tạo {created} năm thi đua của tỉnh mẫu."))
        else:
            self.stdout.write("Tỉnh mẫu đã có sẵn; không thay đổi gì.")
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        width = max(len(p.username) for p in personas)
        for p in personas:
            self.stdout.write(f"  {p.username:<{width}}  {p.role} – {p.full_name}, {p.unit}")
