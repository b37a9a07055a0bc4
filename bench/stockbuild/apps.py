from django.apps import AppConfig


class StockBuildConfig(AppConfig):
    name = "bench.stockbuild"
    label = "stockbuild"
    verbose_name = "Stock build (bench only)"
