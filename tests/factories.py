import factory
from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from areas.models import RT, Kelurahan

PASSWORD = "Sandi-Uji-Coba-2026"


class RTFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RT
        django_get_or_create = ("kelurahan", "number")

    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.get(name="Gunung Samarinda"))
    number = factory.Sequence(lambda n: n % 900 + 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Uji"
    role = Role.OFFICER
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    is_staff = factory.LazyAttribute(lambda user: user.role == Role.ADMIN)

    @factory.post_generation
    def rts(self, create, extracted, **kwargs):
        if create and extracted:
            self.rts.set(extracted)
