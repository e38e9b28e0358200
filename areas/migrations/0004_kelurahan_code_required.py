from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("areas", "0003_kemendagri_codes")]

    operations = [
        migrations.AlterField(
            model_name="kelurahan",
            name="code",
            field=models.CharField(max_length=16, unique=True, verbose_name="code"),
        ),
    ]
